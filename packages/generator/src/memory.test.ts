import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { generateEvents } from './generate.ts';

// A full collection before each reading, so that the figure is what the generator keeps alive,
// not garbage that happens to be waiting. Turning the flag on at run time makes `gc` reachable
// from a fresh context without asking vitest to start node with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapAfterCollection(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('generateEvents memory', () => {
  it('keeps heap growth under 50 MB while streaming 200,000 events', () => {
    const before = heapAfterCollection();
    let growth = 0;
    let events = 0;
    for (const _event of generateEvents({ events: 200_000, seed: 13 })) {
      events += 1;
      // Measured while the generator is still running: a generator that kept its events would be
      // holding them here.
      if (events % 50_000 === 0) growth = Math.max(growth, heapAfterCollection() - before);
    }
    expect(events).toBe(200_000);
    expect(growth).toBeLessThan(50 * 1024 * 1024);
  });
});
