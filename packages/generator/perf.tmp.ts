import { generateEvents, writeSample } from './src/index.ts';
let t = performance.now(); let n = 0;
for (const _e of generateEvents({ events: 1_000_000, seed: 7 })) n++;
console.log('generate', n, Math.round(performance.now() - t), 'ms');
t = performance.now();
const r = await writeSample({ events: 1_000_000, seed: 7, outDir: '/tmp/gen-sample2' });
console.log('write', r.events, Math.round(performance.now() - t), 'ms', process.memoryUsage().rss / 1e6);
