import { validateCanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { generateEvents, type GenerateOptions } from './generate.ts';

function ndjson(options: GenerateOptions): string {
  let text = '';
  for (const event of generateEvents(options)) text += `${JSON.stringify(event)}\n`;
  return text;
}

function count(options: GenerateOptions): number {
  let events = 0;
  for (const _event of generateEvents(options)) events += 1;
  return events;
}

describe('generateEvents', () => {
  it('produces byte-identical output for the same seed and count', () => {
    expect(ndjson({ events: 5_000, seed: 2026 })).toBe(ndjson({ events: 5_000, seed: 2026 }));
  });

  it('produces different output for a different seed', () => {
    expect(ndjson({ events: 1_000, seed: 1 })).not.toBe(ndjson({ events: 1_000, seed: 2 }));
  });

  it('produces exactly the number of events asked for', () => {
    for (const events of [0, 1, 2, 7, 999, 1_000, 4_321]) expect(count({ events, seed: 9 })).toBe(events);
  });

  it('spans the whole period at any size: a larger sample is denser, not longer', () => {
    for (const events of [300, 30_000]) {
      const times = [...generateEvents({ events, seed: 4 })].map(({ occurredAt }) => Date.parse(occurredAt));
      expect(Math.min(...times)).toBeLessThan(Date.parse('2026-01-08T00:00:00Z'));
      expect(Math.max(...times)).toBeGreaterThanOrEqual(Date.parse('2026-03-25T00:00:00Z'));
    }
  });

  it('generates only events that pass validateCanonicalEvent', () => {
    const rejected: string[] = [];
    for (const event of generateEvents({ events: 20_000, seed: 5 })) {
      const validation = validateCanonicalEvent(event);
      if (!validation.ok) rejected.push(`${event.id}: ${validation.rejection.reason}`);
    }
    expect(rejected).toEqual([]);
  });

  it('gives every event its own id', () => {
    const ids = new Set<string>();
    let events = 0;
    for (const event of generateEvents({ events: 50_000, seed: 6 })) {
      ids.add(event.id);
      events += 1;
    }
    expect(ids.size).toBe(events);
  });

  it('stamps every event in UTC within the period, by default 90 days from 2026-01-01', () => {
    const from = Date.parse('2026-01-01T00:00:00.000Z');
    const to = from + 90 * 86_400_000;
    const outside: string[] = [];
    for (const { occurredAt } of generateEvents({ events: 10_000, seed: 8 })) {
      const time = Date.parse(occurredAt);
      const utcWithMs = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(occurredAt);
      if (!utcWithMs || time < from || time >= to) outside.push(occurredAt);
    }
    expect(outside).toEqual([]);
  });

  it('keeps within a period given by start and days, even one that starts mid-day', () => {
    const start = new Date('2025-06-10T13:30:00Z');
    const to = start.getTime() + 3 * 86_400_000;
    const outside: string[] = [];
    for (const { occurredAt } of generateEvents({ events: 2_000, seed: 8, start, days: 3 })) {
      const time = Date.parse(occurredAt);
      if (time < start.getTime() || time >= to) outside.push(occurredAt);
    }
    expect(outside).toEqual([]);
  });

  it('fills a one-day period that starts early or late in a day with exactly the events asked for', () => {
    for (const start of [new Date('2026-01-01T00:30:00Z'), new Date('2026-01-01T23:30:00Z')]) {
      const times = [...generateEvents({ events: 2_000, seed: 8, start, days: 1 })].map(({ occurredAt }) => Date.parse(occurredAt));
      expect(times).toHaveLength(2_000);
      expect(times.filter((time) => time < start.getTime() || time >= start.getTime() + 86_400_000)).toEqual([]);
    }
  });

  it('spreads events over the whole period', () => {
    const months = new Set<string>();
    for (const event of generateEvents({ events: 5_000, seed: 8 })) months.add(event.occurredAt.slice(0, 7));
    expect([...months].sort()).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('names the source and channel each system would', () => {
    const seen = new Set<string>();
    for (const { type, source, channel } of generateEvents({ events: 10_000, seed: 10 })) {
      seen.add(`${type.split('.')[0]} ${source} ${channel}`);
    }
    expect([...seen].sort()).toEqual([
      'billing stripe billing',
      'call connect phone',
      'ticket zendesk chat',
      'ticket zendesk email',
      'ticket zendesk sms',
      'ticket zendesk social',
      'ticket zendesk web',
    ]);
  });

  it('makes the asked share of events invalid only when asked, leaving the valid ones unchanged', () => {
    const clean = [...generateEvents({ events: 10_000, seed: 12 })];
    const mixed = [...generateEvents({ events: 10_000, seed: 12, invalidShare: 0.02 })];
    const invalid = mixed.filter((event) => !validateCanonicalEvent(event).ok);
    expect(invalid.length).toBeGreaterThan(100);
    expect(invalid.length).toBeLessThan(300);
    mixed.forEach((event, index) => {
      if (validateCanonicalEvent(event).ok) expect(event).toEqual(clean[index]);
    });
  });

  it('rejects options it cannot honour, naming the option', () => {
    expect(() => generateEvents({ events: -1, seed: 1 })).toThrow(/events/);
    expect(() => generateEvents({ events: 1.5, seed: 1 })).toThrow(/events/);
    expect(() => generateEvents({ events: 1, seed: Number.NaN })).toThrow(/seed/);
    expect(() => generateEvents({ events: 1, seed: 1, days: 0.5 })).toThrow(/days/);
    expect(() => generateEvents({ events: 1, seed: 1, start: new Date('nonsense') })).toThrow(/start/);
    expect(() => generateEvents({ events: 1, seed: 1, invalidShare: 2 })).toThrow(/invalidShare/);
    expect(() => generateEvents({ events: 1, seed: 1, order: 'random' as never })).toThrow(/order: must be one of time, customer, shuffled/);
  });
});
