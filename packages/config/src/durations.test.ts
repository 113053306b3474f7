import { describe, expect, it } from 'vitest';
import { durationMs, formatDuration, isDuration } from './durations.ts';

describe('durations', () => {
  it('reads each unit', () => {
    expect([durationMs('500ms'), durationMs('30s'), durationMs('30m'), durationMs('72h'), durationMs('7d')]).toEqual([500, 30_000, 1_800_000, 259_200_000, 604_800_000]);
  });

  it('refuses what is not a whole number and a unit, naming it', () => {
    for (const text of ['7', 'd', '1.5h', '7 d', '7w', '-1d', '']) expect(isDuration(text)).toBe(false);
    expect(() => durationMs('a week')).toThrow('not a duration: "a week"');
  });

  it('writes a duration in the largest unit that divides it, and reads it back', () => {
    expect([604_800_000, 259_200_000, 5_400_000, 90_000, 1_500, 0].map(formatDuration)).toEqual(['7d', '3d', '90m', '90s', '1500ms', '0ms']);
    for (const ms of [604_800_000, 259_200_000, 5_400_000, 90_000, 1_500]) expect(durationMs(formatDuration(ms))).toBe(ms);
  });
});
