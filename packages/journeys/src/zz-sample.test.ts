import type { CanonicalEvent, CustomerIdentifiers, EventType } from '@seamline/schemas';
import fc from 'fast-check';
import { it } from 'vitest';
import { computeSummary, type MetricParams } from './metrics.ts';
import { buildIdentityGraph } from './identity-graph.ts';
import { ORG_MAP } from './test-events.ts';
const DAY = 24 * 60 * 60 * 1000;
const EPOCH = Date.parse('2026-03-01T00:00:00Z');
const TYPES: EventType[] = ['ticket.created','ticket.reopened','ticket.reassigned','ticket.solved','call.started','call.transferred','billing.payment_failed','billing.invoice_issued'];
const customerArb: fc.Arbitrary<CustomerIdentifiers> = fc
  .record(
    {
      email: fc.constantFrom('a@x.com', 'b@x.com', 'c@x.com', 'd@x.com'),
      phone: fc.constantFrom('+4911111111', '+4922222222'),
      billingId: fc.constantFrom('cus_1', 'cus_2'),
    },
    { requiredKeys: [] },
  )
  .filter((customer) => Object.keys(customer).length > 0);

/** Events of a few customers over ~6 weeks, dense enough for repeats, bounces and billing triggers. */
const eventsArb: fc.Arbitrary<CanonicalEvent[]> = fc
  .array(
    fc.record({
      type: fc.constantFrom(...TYPES),
      minutes: fc.integer({ min: 0, max: 42 * 24 * 60 }),
      customer: customerArb,
      contactId: fc.constantFrom('k1', 'k2', 'k3'),
      queue: fc.constantFrom('Q1', 'Q1b', 'Q2', 'Nowhere', undefined),
      outbound: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .map((drafts) =>
    drafts.map((draft, i): CanonicalEvent => {
      const billing = draft.type.startsWith('billing.');
      const call = draft.type.startsWith('call.');
      return {
        id: `e${i}`,
        type: draft.type,
        // whole minutes, so several events often share an instant
        occurredAt: new Date(EPOCH + draft.minutes * 60_000).toISOString(),
        source: billing ? 'stripe' : call ? 'connect' : 'zendesk',
        customer: draft.customer,
        ...(billing ? {} : { contactId: draft.contactId }),
        ...(draft.queue === undefined || billing ? {} : { queue: draft.queue }),
        channel: billing ? 'billing' : call ? 'phone' : 'email',
        direction: draft.outbound ? 'outbound' : 'inbound',
      };
    }),
  );

const paramsArb: fc.Arbitrary<MetricParams> = fc.record({
  from: fc.constant(new Date(EPOCH + 3 * DAY)),
  to: fc.constant(new Date(EPOCH + 30 * DAY)),
  asOf: fc.integer({ min: 20, max: 45 }).map((days) => new Date(EPOCH + days * DAY)),
  maxIdentifiers: fc.constantFrom(3, 50),
});
it('sample', () => {
  const tot = { transfers: 0, bounces: 0, billing: 0, repeat: 0, refused: 0, n: 0 };
  for (const [events, params] of fc.sample(fc.tuple(eventsArb, paramsArb), 100)) {
    const s = computeSummary(events, ORG_MAP, params);
    tot.n++; if (s.transfers) tot.transfers++; if (s.bounces) tot.bounces++; if (s.billingTriggeredJourneys) tot.billing++; if (s.repeatContacts) tot.repeat++;
    if (buildIdentityGraph(events, params).refusedLinks.length) tot.refused++;
  }
  console.log(tot);
});
