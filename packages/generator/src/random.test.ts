import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';

function draws(seed: number, stream = 0, count = 100): number[] {
  const random = createRandom(seed, stream);
  return Array.from({ length: count }, () => random.next());
}

describe('createRandom', () => {
  it('draws the same sequence for the same seed', () => {
    expect(draws(42)).toEqual(draws(42));
  });

  it('draws different sequences for neighbouring seeds and for large seeds', () => {
    expect(draws(1)).not.toEqual(draws(2));
    expect(draws(2 ** 40)).not.toEqual(draws(2 ** 40 + 1));
    expect(draws(0)).not.toEqual(draws(2 ** 32));
  });

  it('gives each stream of one seed its own sequence', () => {
    expect(draws(7, 0)).not.toEqual(draws(7, 1));
  });

  it('draws floats in [0, 1) and integers within both ends', () => {
    const random = createRandom(3);
    const floats = Array.from({ length: 10_000 }, () => random.next());
    const integers = new Set(Array.from({ length: 10_000 }, () => random.int(-2, 2)));
    expect(Math.min(...floats)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...floats)).toBeLessThan(1);
    expect([...integers].sort()).toEqual([-1, -2, 0, 1, 2]);
  });

  it('picks by weight', () => {
    const random = createRandom(5);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) {
      if (random.weighted([['heavy', 9], ['light', 1]] as const) === 'heavy') heavy += 1;
    }
    expect(heavy / 10_000).toBeCloseTo(0.9, 1);
  });

  it('refuses to pick from nothing', () => {
    expect(() => createRandom(1).pick([])).toThrow(RangeError);
  });
});
