import { describe, expect, it } from 'vitest';
import { buildIdentityGraph, customerIdOf } from './identity-graph.ts';
import { at, ticketCreated } from './test-events.ts';

const a = ticketCreated({ id: 'a', occurredAt: at('2026-03-01T10:00'), customer: { email: 'a@x.com', phone: '+4911111111' } });
const b = ticketCreated({ id: 'b', occurredAt: at('2026-03-02T10:00'), customer: { phone: '+4911111111', billingId: 'cus_1' } });
const c = ticketCreated({ id: 'c', occurredAt: at('2026-03-03T10:00'), customer: { crmId: 'crm-1' } });

describe('the identity graph', () => {
  it('makes one customer of identifiers linked through shared events, transitively', () => {
    const graph = buildIdentityGraph([a, b, c]);
    expect(graph.customerOfIdentifier('email:a@x.com')).toBe(graph.customerOfIdentifier('billingId:cus_1'));
    expect(graph.customerOfEvent(c)).not.toBe(graph.customerOfEvent(a));
    expect([...graph.customers.values()]).toEqual([
      ['billingId:cus_1', 'email:a@x.com', 'phone:+4911111111'],
      ['crmId:crm-1'],
    ]);
  });

  it('names a customer after its smallest identifier, whatever the input order', () => {
    const forward = buildIdentityGraph([a, b, c]);
    const backward = buildIdentityGraph([c, b, a]);
    expect(forward.customerOfEvent(a)).toBe(customerIdOf('billingId:cus_1'));
    expect(backward.customerOfEvent(a)).toBe(forward.customerOfEvent(a));
    expect(forward.customerOfEvent(a)).toMatch(/^cust_[0-9a-f]{16}$/);
  });

  it('refuses a link that would grow a customer beyond the limit, records it and keeps the event', () => {
    const graph = buildIdentityGraph([a, b, c], { maxIdentifiers: 2 });
    expect(graph.refusedLinks).toEqual([
      {
        eventId: 'b',
        identifiers: ['phone:+4911111111', 'billingId:cus_1'],
        reason: 'linking would make one customer of 3 identifiers (limit 2)',
      },
    ]);
    expect(graph.customerOfEvent(b)).toBe(graph.customerOfEvent(a));
    expect(graph.customerOfIdentifier('billingId:cus_1')).not.toBe(graph.customerOfEvent(a));
  });

  it('learns links in time order, so the guard refuses the same link whatever the arrival order', () => {
    const forward = buildIdentityGraph([a, b, c], { maxIdentifiers: 2 });
    const backward = buildIdentityGraph([b, c, a], { maxIdentifiers: 2 });
    expect(backward.refusedLinks).toEqual(forward.refusedLinks);
    expect([...backward.customers]).toEqual([...forward.customers]);
  });

  it('treats an identifier it never saw as a customer of its own', () => {
    expect(buildIdentityGraph([]).customerOfIdentifier('email:z@x.com')).toBe(customerIdOf('email:z@x.com'));
  });
});
