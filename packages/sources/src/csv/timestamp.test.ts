import { describe, expect, it } from 'vitest';
import { isTimeZone, parseCsvTimestamp } from './timestamp.ts';

const iso = (text: string, timezone?: string): string | undefined => {
  const parsed = parseCsvTimestamp(text, timezone);
  return parsed.ok ? parsed.iso : undefined;
};

/** "2026-03-29T03:00" moved by `minutes`, in the same form. */
const shift = (wall: string, minutes: number): string =>
  new Date(Date.parse(`${wall}Z`) + minutes * 60_000).toISOString().slice(0, 16);

describe('parseCsvTimestamp', () => {
  it('keeps the offset a timestamp carries, whatever the mapping timezone', () => {
    expect(iso('2026-03-01T10:00:00Z', 'Europe/Berlin')).toBe('2026-03-01T10:00:00.000Z');
    expect(iso('2026-03-01T10:00:00+01:00')).toBe('2026-03-01T09:00:00.000Z');
    expect(iso('2026-03-01 10:00:00.1234-0230')).toBe('2026-03-01T12:30:00.123Z');
  });

  it('reads a timestamp without offset as wall-clock time in the mapping timezone', () => {
    expect(iso('2026-03-01 10:00', 'UTC')).toBe('2026-03-01T10:00:00.000Z');
    expect(iso('2026-03-01 10:00', 'Europe/Berlin')).toBe('2026-03-01T09:00:00.000Z');
    expect(iso('2026-07-01T10:00:00', 'Europe/Berlin')).toBe('2026-07-01T08:00:00.000Z');
    expect(iso('2026-07-01', 'America/New_York')).toBe('2026-07-01T04:00:00.000Z');
    expect(iso('2026-03-01 10:00', '+05:30')).toBe('2026-03-01T04:30:00.000Z');
  });

  it('moves a time the clocks skip past the gap and takes the later of a time they pass twice', () => {
    // Europe/Berlin: 2026-03-29 02:00 -> 03:00, 2026-10-25 03:00 -> 02:00
    expect(iso('2026-03-29 02:30', 'Europe/Berlin')).toBe('2026-03-29T01:30:00.000Z');
    expect(iso('2026-10-25 02:30', 'Europe/Berlin')).toBe('2026-10-25T01:30:00.000Z');
  });

  it('gives every minute around a change of daylight saving the right offset, cache warm or cold', () => {
    const minutes = (from: string, count: number) =>
      Array.from({ length: count }, (_, at) => new Date(Date.parse(from) + at * 60_000).toISOString().slice(0, 16));
    for (let pass = 0; pass < 2; pass += 1) {
      for (const wall of minutes('2026-03-29T00:00Z', 120)) expect(iso(wall, 'Europe/Berlin')).toBe(`${shift(wall, -60)}:00.000Z`);
      for (const wall of minutes('2026-03-29T03:00Z', 120)) expect(iso(wall, 'Europe/Berlin')).toBe(`${shift(wall, -120)}:00.000Z`);
      for (const wall of minutes('2026-10-25T00:00Z', 120)) expect(iso(wall, 'Europe/Berlin')).toBe(`${shift(wall, -120)}:00.000Z`);
      for (const wall of minutes('2026-10-25T02:00Z', 120)) expect(iso(wall, 'Europe/Berlin')).toBe(`${shift(wall, -60)}:00.000Z`);
    }
  });

  it('refuses a timestamp without offset when the mapping has no timezone, rather than guessing', () => {
    expect(parseCsvTimestamp('2026-03-01 10:00', undefined)).toEqual({
      ok: false,
      why: 'has no UTC offset and the mapping sets no timezone',
    });
  });

  it('refuses dates and times that do not exist and text that is no timestamp', () => {
    expect(parseCsvTimestamp('2026-02-29 10:00Z', undefined)).toEqual({ ok: false, why: 'no such date' });
    expect(parseCsvTimestamp('2026-03-01 24:00Z', undefined)).toEqual({ ok: false, why: 'no such time of day' });
    expect(parseCsvTimestamp('01/03/2026 10:00', 'UTC').ok).toBe(false);
    expect(parseCsvTimestamp('1772359200', 'UTC').ok).toBe(false);
    expect(parseCsvTimestamp('9999-12-31T23:00:00-05:00', undefined)).toEqual({ ok: false, why: 'out of range' });
  });
});

describe('isTimeZone', () => {
  it('knows IANA zones and fixed offsets and nothing else', () => {
    expect(['UTC', 'Europe/Berlin', '+02:00', '-0530'].every(isTimeZone)).toBe(true);
    expect(['Mars/Olympus', 'CEST+', '+25:00', ''].some(isTimeZone)).toBe(false);
  });
});
