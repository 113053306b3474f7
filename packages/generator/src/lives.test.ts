import { identifierKeys, validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { LIFE_EVENTS } from './arrivals.ts';
import { generateEvents } from './generate.ts';
import { tellLife } from './life.ts';
import { isContact, linkCustomers } from './test-customers.ts';

// The stream as production has it: every customer interleaved, customers who come back days and
// weeks later, and systems that learn only later that two identifiers are one customer.

const DAY = 86_400_000;
const events: CanonicalEvent[] = [...generateEvents({ events: 20_000, seed: 21 })].map((raw) => {
  const validation = validateCanonicalEvent(raw);
  if (!validation.ok) throw new Error(validation.rejection.reason);
  return validation.event;
});
const time = (event: CanonicalEvent) => Date.parse(event.occurredAt);

/** Customers as docs/metrics.md "Customer" defines them: identifiers seen together in one event are one customer. */
const customerOf = () => linkCustomers(events, (event) => identifierKeys(event.customer));

describe('customers in the stream', () => {
  it('interleave: the first 1,000 events come from hundreds of customers, most of them in turns', () => {
    const customer = customerOf();
    const places = new Map<string, number[]>();
    events.slice(0, 1_000).forEach((event, i) => places.set(customer(event), [...(places.get(customer(event)) ?? []), i]));
    expect(places.size).toBeGreaterThan(250);
    const several = [...places.values()].filter((list) => list.length >= 2);
    // Someone else's event lies between two of theirs.
    const interleaved = several.filter((list) => (list.at(-1) as number) - (list[0] as number) + 1 > list.length);
    expect(interleaved.length).toBeGreaterThan(several.length * 0.7);
  });

  it('come back: a good share have contacts more than three days apart', () => {
    const customer = customerOf();
    const starts = new Map<string, number[]>();
    for (const event of events.filter(isContact)) starts.set(customer(event), [...(starts.get(customer(event)) ?? []), time(event)]);
    const lives = [...starts.values()];
    const returning = lives.filter((list) => list.some((at, i) => i > 0 && at - (list[i - 1] as number) > 3 * DAY));
    expect(returning.length).toBeGreaterThan(lives.length * 0.2);
    const weeksLater = lives.filter((list) => list.some((at, i) => i > 0 && at - (list[i - 1] as number) > 14 * DAY));
    expect(weeksLater.length).toBeGreaterThan(lives.length * 0.08);
  });

  it('get linked late: two identifiers each seen for days, then together in one event', () => {
    const parent = new Map<string, string>();
    const find = (key: string): string => {
      const up = parent.get(key) ?? key;
      return up === key ? key : find(up);
    };
    const firstSeen = new Map<string, number>();
    let lateLinks = 0;
    for (const event of events) {
      const keys = identifierKeys(event.customer);
      const known = keys.filter((key) => firstSeen.has(key));
      const apart = new Set(known.map(find)).size >= 2;
      if (apart && known.every((key) => time(event) - (firstSeen.get(key) as number) > DAY)) lateLinks += 1;
      for (const key of keys) if (!firstSeen.has(key)) firstSeen.set(key, time(event));
      const [first, ...others] = keys;
      if (first !== undefined) for (const other of others) parent.set(find(other), find(first));
    }
    expect(lateLinks).toBeGreaterThan(40);
  });

  it('fill the period evenly, week after week', () => {
    const weeks = new Map<number, number>();
    const from = Date.parse('2026-01-01T00:00:00Z');
    for (const event of events) {
      const week = Math.floor((time(event) - from) / (7 * DAY));
      weeks.set(week, (weeks.get(week) ?? 0) + 1);
    }
    const full = [...weeks].filter(([week]) => week < 12).map(([, count]) => count);
    const mean = full.reduce((sum, count) => sum + count, 0) / full.length;
    for (const count of full) expect(Math.abs(count - mean)).toBeLessThan(mean * 0.15);
  });

  it('live as long as LIFE_EVENTS, which sets the arrival rate, says', () => {
    const endless = { seed: 5, from: 0, to: 2 ** 50, invalidShare: 0 };
    let total = 0;
    for (let index = 0; index < 20_000; index++) total += tellLife(endless, index, Date.parse('2026-01-01T00:00:00Z')).length;
    expect(total / 20_000).toBeGreaterThan(LIFE_EVENTS * 0.95);
    expect(total / 20_000).toBeLessThan(LIFE_EVENTS * 1.05);
  });
});
