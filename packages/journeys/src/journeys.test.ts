import type { CanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { groupEventsByCustomer } from './customer-events.ts';
import { orderEvents } from './events.ts';
import { buildIdentityGraph } from './identity-graph.ts';
import { buildCustomerJourneys, buildJourneys, DEFAULT_BILLING_WINDOW_MS, DEFAULT_REPEAT_WINDOW_MS } from './journeys.ts';
import { ORG_MAP, at, invoiceIssued, paymentFailed, plusMs, ticketCreated } from './test-events.ts';

const W = DEFAULT_REPEAT_WINDOW_MS;
const B = DEFAULT_BILLING_WINDOW_MS;
const asOf = new Date('2026-04-01T00:00:00Z');
const model = (events: CanonicalEvent[], options = {}) => buildJourneys(events, ORG_MAP, { asOf, ...options });
const contactsOf = (events: CanonicalEvent[]) => model(events).customers.flatMap((c) => c.contacts);
const journeysOf = (events: CanonicalEvent[]) => model(events).customers.flatMap((c) => c.journeys);
const start = at('2026-03-10T10:00');

describe('repeat contacts and journeys', () => {
  it('count a contact exactly W after the previous one as a repeat', () => {
    const events = [
      ticketCreated({ id: 'a', occurredAt: start, queue: 'Q1' }),
      ticketCreated({ id: 'b', occurredAt: plusMs(start, W), queue: 'Q1' }),
    ];
    expect(contactsOf(events).map((c) => c.repeat)).toEqual([false, true]);
    expect(contactsOf(events).map((c) => c.resolvedAtFirstContact)).toEqual([false, true]);
    expect(journeysOf(events)).toHaveLength(1);
  });

  it('start a new journey when the previous contact is more than W earlier', () => {
    const events = [
      ticketCreated({ id: 'a', occurredAt: start, queue: 'Q1' }),
      ticketCreated({ id: 'b', occurredAt: plusMs(start, W + 1), queue: 'Q1' }),
    ];
    expect(contactsOf(events).map((c) => [c.repeat, c.resolvedAtFirstContact])).toEqual([
      [false, true],
      [false, true],
    ]);
    expect(journeysOf(events).map((j) => j.contactEventIds)).toEqual([['a'], ['b']]);
  });

  it('order contacts with equal start times by event id', () => {
    const events = [
      ticketCreated({ id: 'k-b', occurredAt: start, queue: 'Q2' }),
      ticketCreated({ id: 'k-a', occurredAt: start, queue: 'Q1' }),
    ];
    const contacts = contactsOf(events);
    expect(contacts.map((c) => [c.eventId, c.repeat])).toEqual([
      ['k-a', false],
      ['k-b', true],
    ]);
    expect(contacts[1]?.handoffs.map((h) => [h.kind, h.fromTeam, h.toTeam])).toEqual([['bounce', 't1', 't2']]);
  });

  it('bounce when the final team of a contact differs from the first team of the next one', () => {
    const events = [
      ticketCreated({ id: 'a', occurredAt: start, queue: 'Q1' }),
      ticketCreated({ id: 'b', occurredAt: plusMs(start, 1000), queue: 'Q1b' }),
      ticketCreated({ id: 'c', occurredAt: plusMs(start, 2000), queue: 'Q1b' }),
    ];
    const handoffs = contactsOf(events).flatMap((c) => c.handoffs);
    expect(handoffs.map((h) => [h.kind, h.contactEventId, h.fromTeam, h.toTeam, h.crossSilo])).toEqual([
      ['bounce', 'b', 't1', 't1b', false],
    ]);
    expect(journeysOf(events)[0]?.crossSilo).toBe(false);
  });

  it('make a contact mature only once W has passed by asOf', () => {
    const events = [
      ticketCreated({ id: 'a', occurredAt: plusMs(asOf.toISOString(), -W), queue: 'Q1' }),
      ticketCreated({ id: 'b', occurredAt: plusMs(asOf.toISOString(), -W + 1), queue: 'Q1' }),
    ];
    expect(contactsOf(events).map((c) => c.mature)).toEqual([true, false]);
  });

  it('ignore contacts at or after asOf, while their identifiers still link customers', () => {
    const events = [
      ticketCreated({ id: 'a', occurredAt: start, queue: 'Q1', customer: { email: 'a@x.com' } }),
      ticketCreated({ id: 'b', occurredAt: plusMs(start, 1000), queue: 'Q1', customer: { phone: '+4911111111' } }),
      ticketCreated({ id: 'link', occurredAt: asOf.toISOString(), customer: { email: 'a@x.com', phone: '+4911111111' } }),
    ];
    const { customers } = model(events);
    expect(customers).toHaveLength(1);
    expect(customers[0]?.contacts.map((c) => [c.eventId, c.repeat])).toEqual([
      ['a', false],
      ['b', true],
    ]);
  });
});

describe('billing-triggered journeys', () => {
  const contactAt = (occurredAt: string) => ticketCreated({ id: 'k', occurredAt, queue: 'Q1' });
  const triggerOf = (events: CanonicalEvent[]) => journeysOf(events)[0]?.billingTrigger ?? null;

  it('count a billing event exactly B before the journey start', () => {
    const events = [paymentFailed({ id: 'b', occurredAt: plusMs(start, -B) }), contactAt(start)];
    expect(triggerOf(events)).toEqual({ eventId: 'b', type: 'billing.payment_failed', at: plusMs(start, -B) });
  });

  it('do not count a billing event just over B before the journey start', () => {
    const events = [paymentFailed({ id: 'b', occurredAt: plusMs(start, -B - 1) }), contactAt(start)];
    expect(triggerOf(events)).toBeNull();
  });

  it('do not count a billing event at the very instant the journey starts', () => {
    const events = [paymentFailed({ id: 'b', occurredAt: start }), contactAt(start)];
    expect(triggerOf(events)).toBeNull();
  });

  it('take the type of the latest billing event in the window', () => {
    const events = [
      paymentFailed({ id: 'b1', occurredAt: plusMs(start, -3_600_000) }),
      invoiceIssued({ id: 'b2', occurredAt: plusMs(start, -60_000) }),
      contactAt(start),
    ];
    expect(triggerOf(events)?.type).toBe('billing.invoice_issued');
  });
});

describe('one customer at a time', () => {
  it('gives the same contacts and journeys as the whole model', () => {
    const events = [
      ticketCreated({ id: 'a', occurredAt: start, queue: 'Q1', customer: { email: 'a@x.com' } }),
      ticketCreated({ id: 'b', occurredAt: plusMs(start, 1000), queue: 'Q2', customer: { email: 'b@x.com' } }),
      ticketCreated({ id: 'c', occurredAt: plusMs(start, 2000), queue: 'Q2', customer: { email: 'a@x.com' } }),
      paymentFailed({ id: 'p', occurredAt: plusMs(start, -1000), customer: { email: 'a@x.com' } }),
    ];
    const ordered = orderEvents(events);
    const byCustomer = groupEventsByCustomer(ordered, buildIdentityGraph(ordered));
    for (const customer of model(events).customers) {
      const own = byCustomer.get(customer.customerId) ?? [];
      expect(buildCustomerJourneys(customer.customerId, [...own].reverse(), ORG_MAP, { asOf })).toEqual(customer);
    }
  });
});
