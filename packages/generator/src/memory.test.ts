import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { generateEvents, type GenerateOptions } from './generate.ts';

// A full collection before each reading, so that the figure is what the generator keeps alive,
// not garbage that happens to be waiting. Turning the flag on at run time makes `gc` reachable
// from a fresh context without asking vitest to start node with --expose-gc.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function heapAfterCollection(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Heap growth over the start, read four times while the generator is still running. */
function growthWhileStreaming(options: GenerateOptions): number[] {
  const before = heapAfterCollection();
  const readings: number[] = [];
  let events = 0;
  for (const _event of generateEvents(options)) {
    events += 1;
    // Measured while the generator is still running: a generator that kept its events would be
    // holding them here.
    if (events % (options.events / 4) === 0) readings.push(heapAfterCollection() - before);
  }
  expect(events).toBe(options.events);
  return readings;
}

const MB = 1024 * 1024;

describe('generateEvents memory', () => {
  it('keeps heap growth under 50 MB while streaming 200,000 events', () => {
    const readings = growthWhileStreaming({ events: 200_000, seed: 13 });
    expect(Math.max(...readings)).toBeLessThan(50 * MB);
  });

  it('holds as much at the end of a long time-ordered stream as at its start: the living customers, not the events so far', () => {
    const readings = growthWhileStreaming({ events: 800_000, seed: 14, order: 'time' });
    expect(Math.max(...readings)).toBeLessThan(60 * MB);
    // Flat: the last reading is no higher than the first by more than the day-to-day wobble.
    expect((readings.at(-1) as number) - (readings[0] as number)).toBeLessThan(10 * MB);
  }, 60_000);

  it('stays as flat in customer order and for a shuffled backfill', () => {
    for (const order of ['customer', 'shuffled'] as const) {
      const readings = growthWhileStreaming({ events: 200_000, seed: 15, order });
      expect(Math.max(...readings)).toBeLessThan(50 * MB);
    }
  }, 60_000);
});
