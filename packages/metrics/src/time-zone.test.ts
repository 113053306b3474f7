import { describe, expect, it } from 'vitest';
import { calendarIntervals, instantOf, isTimeZone } from './time-zone.ts';

const hours = (i: { from: Date; to: Date }) => (i.to.getTime() - i.from.getTime()) / 3_600_000;

describe('days and weeks in a time zone', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect([isTimeZone('UTC'), isTimeZone('America/New_York'), isTimeZone('Europe/Berlin')]).toEqual([true, true, true]);
    expect([isTimeZone('Mars/Olympus'), isTimeZone('EST5EDT+nonsense'), isTimeZone('')]).toEqual([false, false, false]);
  });

  it('reads a date as its local midnight, and an instant as itself', () => {
    expect(instantOf('2026-03-01', 'UTC')).toBe('2026-03-01T00:00:00.000Z');
    expect(instantOf('2026-03-01', 'America/New_York')).toBe('2026-03-01T05:00:00.000Z');
    expect(instantOf('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(instantOf('2026-03-01T09:30:00+01:00', 'America/New_York')).toBe('2026-03-01T08:30:00.000Z');
  });

  it('cuts days at local midnight, 23 hours on the spring change and 25 on the autumn one', () => {
    const zone = 'America/New_York';
    // DST starts 2026-03-08 and ends 2026-11-01 in New York.
    const spring = calendarIntervals(new Date(instantOf('2026-03-07', zone)), new Date(instantOf('2026-03-10', zone)), 'day', zone, 10)!;
    expect(spring.map(hours)).toEqual([24, 23, 24]);
    expect(spring.map((i) => i.from.toISOString())).toEqual(['2026-03-07T05:00:00.000Z', '2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z']);
    const autumn = calendarIntervals(new Date(instantOf('2026-10-31', zone)), new Date(instantOf('2026-11-03', zone)), 'day', zone, 10)!;
    expect(autumn.map(hours)).toEqual([24, 25, 24]);
  });

  it('starts weeks on local Monday and clips the first and last week to the period', () => {
    const zone = 'Europe/Berlin';
    // 2026-03-04 is a Wednesday; Berlin changes to summer time on 2026-03-29.
    const weeks = calendarIntervals(new Date(instantOf('2026-03-04', zone)), new Date(instantOf('2026-04-02', zone)), 'week', zone, 10)!;
    expect(weeks.map((w) => w.from.toISOString())).toEqual([
      '2026-03-03T23:00:00.000Z',
      '2026-03-08T23:00:00.000Z',
      '2026-03-15T23:00:00.000Z',
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    expect(weeks.map(hours)).toEqual([5 * 24, 7 * 24, 7 * 24, 7 * 24 - 1, 3 * 24]);
  });

  it('gives UTC days in UTC, and nothing beyond the most intervals asked for', () => {
    const days = calendarIntervals(new Date('2026-03-01T12:00:00Z'), new Date('2026-03-03T00:00:00Z'), 'day', 'UTC', 10)!;
    expect(days.map((d) => [d.from.toISOString(), d.to.toISOString()])).toEqual([
      ['2026-03-01T12:00:00.000Z', '2026-03-02T00:00:00.000Z'],
      ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'],
    ]);
    expect(calendarIntervals(new Date('2026-01-01T00:00:00Z'), new Date('2026-03-01T00:00:00Z'), 'day', 'UTC', 30)).toBeUndefined();
  });
});
