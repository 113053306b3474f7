import { identifierKeys, validateCanonicalEvent, type CanonicalEventInput } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { generateEvents, type GenerateOptions } from './generate.ts';
import type { Order } from './orders.ts';
import { linkCustomers } from './test-customers.ts';

function lines(options: GenerateOptions): string[] {
  return [...generateEvents(options)].map((event) => JSON.stringify(event));
}

const ORDERS: Order[] = ['time', 'customer', 'shuffled'];

/** Adjacent pairs whose second event happened before the first. */
function inversions(stream: string[]): number {
  const times = stream.map((line) => Date.parse((JSON.parse(line) as { occurredAt: string }).occurredAt));
  let count = 0;
  for (let i = 1; i < times.length; i++) if ((times[i] as number) < (times[i - 1] as number)) count += 1;
  return count;
}

describe('generateEvents order', () => {
  it('defaults to time order, non-decreasing in occurredAt', () => {
    const stream = lines({ events: 20_000, seed: 3 });
    expect(stream).toEqual(lines({ events: 20_000, seed: 3, order: 'time' }));
    expect(inversions(stream)).toBe(0);
  }, 30_000);

  it('gives exactly the events asked for in every order, and the same events in each', () => {
    for (const events of [0, 1, 7, 3_000]) {
      const [time, customer, shuffled] = ORDERS.map((order) => lines({ events, seed: 17, order }));
      expect(time).toHaveLength(events);
      expect([...(customer as string[])].sort()).toEqual([...(time as string[])].sort());
      expect([...(shuffled as string[])].sort()).toEqual([...(time as string[])].sort());
    }
  }, 30_000);

  it('keeps the same events in every order when some are given defects', () => {
    const [time, customer, shuffled] = ORDERS.map((order) => lines({ events: 3_000, seed: 18, order, invalidShare: 0.05 }).sort());
    expect(customer).toEqual(time);
    expect(shuffled).toEqual(time);
  }, 30_000);

  it('is deterministic in every order: the same seed and count give the same bytes', () => {
    for (const order of ORDERS) expect(lines({ events: 4_000, seed: 19, order })).toEqual(lines({ events: 4_000, seed: 19, order }));
  }, 30_000);

  it('groups each customer in customer order, each customer in time order', () => {
    const switches = (order: Order) => {
      const events = [...generateEvents({ events: 5_000, seed: 20, order })];
      const customer = customers(events);
      let count = 0;
      let backwards = 0;
      events.forEach((event, i) => {
        const previous = events[i - 1];
        if (previous === undefined) return;
        if (customer(event) !== customer(previous)) count += 1;
        else if (event.occurredAt < previous.occurredAt) backwards += 1;
      });
      return { count, backwards, customers: new Set(events.map(customer)).size };
    };
    const grouped = switches('customer');
    expect(grouped.backwards).toBe(0);
    // One switch per customer, and a few more where one customer is known by two unlinked identifiers.
    expect(grouped.count).toBeLessThan(grouped.customers * 1.5);
    expect(switches('time').count).toBeGreaterThan(grouped.count * 2);
    const stream = lines({ events: 5_000, seed: 20, order: 'customer' });
    expect(stream.join('\n')).not.toEqual(lines({ events: 5_000, seed: 20 }).join('\n'));
  }, 30_000);

  it('delivers a shuffled backfill far out of time order: whole exports one after another', () => {
    const stream = lines({ events: 20_000, seed: 21, order: 'shuffled' });
    // Pages are scrambled: many neighbours out of order.
    expect(inversions(stream)).toBeGreaterThan(stream.length / 5);
    // One export per source, one after another, each reaching back to the start of the period.
    const events = stream.map((line) => JSON.parse(line) as { source: string; occurredAt: string });
    const exports: { source: string; first: string; last: string }[] = [];
    for (const { source, occurredAt } of events) {
      const current = exports.at(-1);
      if (current?.source !== source) exports.push({ source, first: occurredAt, last: occurredAt });
      else {
        if (occurredAt < current.first) current.first = occurredAt;
        if (occurredAt > current.last) current.last = occurredAt;
      }
    }
    expect(exports.map(({ source }) => source).sort()).toEqual(['connect', 'stripe', 'zendesk']);
    for (const { first, last } of exports) {
      expect(first < '2026-01-08').toBe(true);
      expect(last > '2026-03-24').toBe(true);
    }
  }, 30_000);
});

/** Who an event is about: customers as docs/metrics.md "Customer" defines them, identifiers seen together linked. */
function customers(events: CanonicalEventInput[]): (event: CanonicalEventInput) => string {
  return linkCustomers(events, (event) => {
    const validation = validateCanonicalEvent(event);
    return validation.ok ? identifierKeys(validation.event.customer) : [];
  });
}
