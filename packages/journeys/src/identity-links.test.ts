import { describe, expect, it } from 'vitest';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import fc from 'fast-check';
import { buildIdentityGraph, customerIdOf } from './identity-graph.ts';
import { linkIncrementally, type KnownIdentities } from './identity-links.ts';
import { orderEvents } from './events.ts';

let n = 0;
function billing(customer: Record<string, string>, at = '2026-03-01T10:00:00Z'): CanonicalEvent {
  const result = validateCanonicalEvent({
    id: `e${n++}`,
    type: 'billing.invoice_issued',
    occurredAt: at,
    source: 'stripe',
    customer,
    channel: 'billing',
  });
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.event;
}

const empty: KnownIdentities = { customerOf: new Map(), membersOf: new Map() };

/** Applies an update to the known state, as the stitcher does to its tables. */
function apply(known: KnownIdentities, events: CanonicalEvent[], max?: number): KnownIdentities {
  const update = linkIncrementally(orderEvents(events), known, max);
  const customerOf = new Map(known.customerOf);
  for (const [key, id] of update.assignments) customerOf.set(key, id);
  const membersOf = new Map<string, string[]>();
  for (const [key, id] of customerOf) membersOf.set(id, [...(membersOf.get(id) ?? []), key]);
  return { customerOf, membersOf };
}

describe('linkIncrementally', () => {
  it('merges two customers seen last month when today an event names both, and logs the merge', () => {
    const known = apply(empty, [billing({ email: 'a@x.com' }), billing({ phone: '+4911111111' })]);
    expect(new Set(known.customerOf.values()).size).toBe(2);
    const link = billing({ email: 'a@x.com', phone: '+4911111111' }, '2026-04-01T00:00:00Z');
    const update = linkIncrementally([link], known);
    const survivor = customerIdOf('email:a@x.com');
    expect(update.assignments).toEqual(new Map([['phone:+4911111111', survivor]]));
    expect(update.merges).toEqual([
      {
        eventId: link.id,
        customerId: survivor,
        mergedCustomerIds: [customerIdOf('email:a@x.com'), customerIdOf('phone:+4911111111')].sort(),
        identifiers: ['email:a@x.com', 'phone:+4911111111'],
      },
    ]);
  });

  it('refuses a link that would grow a customer beyond the limit and records it', () => {
    const known = apply(empty, [billing({ email: 'a@x.com', phone: '+4911111111' }), billing({ billingId: 'cus_1', crmId: 'crm_1' })]);
    const update = linkIncrementally([billing({ email: 'a@x.com', billingId: 'cus_1' })], known, 3);
    expect(update.assignments.size).toBe(0);
    expect(update.refusedLinks).toHaveLength(1);
    expect(update.refusedLinks[0]?.reason).toBe('linking would make one customer of 4 identifiers (limit 3)');
  });

  it('gives the same customers as the full graph, whatever the batches the events arrive in', () => {
    const identifier = fc.oneof(
      fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com').map((email) => ({ email })),
      fc.constantFrom('+4911111111', '+4922222222').map((phone) => ({ phone })),
      fc.constantFrom('cus_1', 'cus_2', 'cus_3').map((billingId) => ({ billingId })),
    );
    const customer = fc.array(identifier, { minLength: 1, maxLength: 3 }).map((ids) => Object.assign({}, ...ids) as Record<string, string>);
    fc.assert(
      fc.property(fc.array(customer, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (customers, batchSize) => {
        const events = customers.map((c, i) => billing(c, new Date(Date.UTC(2026, 2, 1) + i * 60_000).toISOString()));
        let known = empty;
        for (let start = 0; start < events.length; start += batchSize) known = apply(known, events.slice(start, start + batchSize));
        const graph = buildIdentityGraph(events);
        for (const [key, id] of known.customerOf) expect(id).toBe(graph.customerOfIdentifier(key));
      }),
      { numRuns: 300 },
    );
  });
});
