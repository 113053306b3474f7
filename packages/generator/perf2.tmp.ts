import { writeSample } from './src/index.ts';
const t = performance.now();
const r = await writeSample({ events: 1_000_000, seed: 7, outDir: '/tmp/gen-sample3' });
console.log('write', r.events, Math.round(performance.now() - t), 'ms');
