import { generateEvents } from './src/index.ts';
for (let round = 0; round < 2; round++) {
let t = performance.now(); let len = 0;
for (const e of generateEvents({ events: 1_000_000, seed: 7 })) len += JSON.stringify(e).length;
console.log('gen+stringify', Math.round(performance.now() - t));
t = performance.now(); let chunk = ''; let total = 0;
for (const e of generateEvents({ events: 1_000_000, seed: 7 })) { chunk += `${JSON.stringify(e)}\n`; if (chunk.length >= 262144) { total += Buffer.byteLength(chunk); chunk = ''; } }
console.log('gen+stringify+concat+buffer', Math.round(performance.now() - t));
t = performance.now(); let lines: string[] = []; let size = 0;
for (const e of generateEvents({ events: 1_000_000, seed: 7 })) { const l = JSON.stringify(e); lines.push(l); size += l.length; if (size >= 262144) { total += Buffer.byteLength(lines.join('\n') + '\n'); lines = []; size = 0; } }
console.log('gen+stringify+join+buffer', Math.round(performance.now() - t));
}
