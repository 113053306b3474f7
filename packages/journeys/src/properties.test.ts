import type { CanonicalEvent, CustomerIdentifiers, EventType } from '@seamline/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossSiloFlips, legsAsOf, resolvedAsOf } from './as-of.ts';
import { groupEventsByCustomer } from './customer-events.ts';
import { orderEvents } from './events.ts';
import { buildIdentityGraph } from './identity-graph.ts';
import { buildCustomerJourneys, buildJourneys } from './journeys.ts';
import { computeSummary, computeTeams, computeTransitions, type MetricParams } from './metrics.ts';
import { summarySchema } from './summary-schema.ts';
import { ORG_MAP } from './test-events.ts';

const DAY = 24 * 60 * 60 * 1000;
const EPOCH = Date.parse('2026-03-01T00:00:00Z');
const TYPES: EventType[] = [
  'ticket.created',
  'ticket.reopened',
  'ticket.reassigned',
  'ticket.solved',
  'call.started',
  'call.transferred',
  'billing.payment_failed',
  'billing.invoice_issued',
];

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

interface Draft {
  type: EventType;
  minutes: number;
  customer: CustomerIdentifiers;
  contactId: string;
  queue?: string | undefined;
  outbound: boolean;
}

/** The i-th drafted event: at whole minutes after EPOCH, so several events often share an instant; billing events have no contact or queue. */
function draftEvent(draft: Draft, i: number): CanonicalEvent {
  const billing = draft.type.startsWith('billing.');
  const call = draft.type.startsWith('call.');
  return {
    id: `e${i}`,
    type: draft.type,
    occurredAt: new Date(EPOCH + draft.minutes * 60_000).toISOString(),
    source: billing ? 'stripe' : call ? 'connect' : 'zendesk',
    customer: draft.customer,
    ...(billing ? {} : { contactId: draft.contactId }),
    ...(draft.queue === undefined || billing ? {} : { queue: draft.queue }),
    channel: billing ? 'billing' : call ? 'phone' : 'email',
    direction: draft.outbound ? 'outbound' : 'inbound',
  };
}

/** Events of a few customers over three weeks, dense enough for transfers, repeats, bounces and billing triggers. */
const eventsArb: fc.Arbitrary<CanonicalEvent[]> = fc
  .array(
    fc.record({
      type: fc.constantFrom(...TYPES),
      minutes: fc.integer({ min: 0, max: 21 * 24 * 60 }),
      customer: customerArb,
      contactId: fc.constantFrom('k1', 'k2', 'k3'),
      queue: fc.constantFrom('Q1', 'Q1b', 'Q2', 'Nowhere', undefined),
      outbound: fc.boolean(),
    }),
    { minLength: 5, maxLength: 50, size: 'max' },
  )
  .map((drafts) => drafts.map(draftEvent));

const paramsArb: fc.Arbitrary<MetricParams> = fc.record({
  from: fc.constant(new Date(EPOCH + 2 * DAY)),
  to: fc.constant(new Date(EPOCH + 16 * DAY)),
  asOf: fc.integer({ min: 10, max: 24 }).map((days) => new Date(EPOCH + days * DAY)),
  maxIdentifiers: fc.constantFrom(3, 50),
});

const figures = (events: CanonicalEvent[], params: MetricParams) => ({
  summary: computeSummary(events, ORG_MAP, params),
  teams: computeTeams(events, ORG_MAP, params),
  transitions: computeTransitions(events, ORG_MAP, params),
});

describe('the figures', () => {
  it('do not depend on the order events arrive in', () => {
    const arb = eventsArb.chain((events) =>
      fc.tuple(fc.constant(events), fc.shuffledSubarray(events, { minLength: events.length }), paramsArb),
    );
    fc.assert(
      fc.property(arb, ([events, shuffled, params]) => {
        expect(figures(shuffled, params)).toEqual(figures(events, params));
      }),
    );
  });

  it('do not change when events arrive twice', () => {
    const arb = eventsArb.chain((events) => fc.tuple(fc.constant(events), fc.subarray(events), paramsArb));
    fc.assert(
      fc.property(arb, ([events, again, params]) => {
        expect(figures([...again, ...events, ...again], params)).toEqual(figures(events, params));
      }),
    );
  });

  it('do not depend on when the event linking two identifiers arrives', () => {
    const linkArb = fc.record({
      minutes: fc.integer({ min: 0, max: 21 * 24 * 60 }),
      position: fc.nat(),
    });
    fc.assert(
      fc.property(eventsArb, linkArb, paramsArb, (events, link, params) => {
        const linking: CanonicalEvent = {
          id: 'link',
          type: 'ticket.solved',
          occurredAt: new Date(EPOCH + link.minutes * 60_000).toISOString(),
          source: 'zendesk',
          customer: { email: 'a@x.com', phone: '+4922222222' },
          contactId: 'k9',
          channel: 'email',
          direction: 'inbound',
        };
        const at = link.position % (events.length + 1);
        const early = [...events.slice(0, at), linking, ...events.slice(at)];
        expect(figures([...events, linking], params)).toEqual(figures(early, params));
      }),
    );
  });

  it('are valid summaries with rates between 0 and 1', () => {
    fc.assert(
      fc.property(eventsArb, paramsArb, (events, params) => {
        const summary = summarySchema.parse(computeSummary(events, ORG_MAP, params));
        expect(summary.repeatContacts).toBeLessThanOrEqual(summary.contacts);
        expect(summary.fcrContacts).toBeLessThanOrEqual(summary.matureContacts);
        for (const rate of [summary.repeatRate, summary.fcrRate, summary.crossSiloJourneyRate, summary.billingTriggeredRate]) {
          if (rate !== null) expect(rate).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('come out the same when each customer is recomputed on its own', () => {
    fc.assert(
      fc.property(eventsArb, paramsArb, (events, params) => {
        const ordered = orderEvents(events);
        const byCustomer = groupEventsByCustomer(ordered, buildIdentityGraph(ordered, params));
        for (const customer of buildJourneys(events, ORG_MAP, params).customers) {
          const own = byCustomer.get(customer.customerId) ?? [];
          expect(buildCustomerJourneys(customer.customerId, own, ORG_MAP, params)).toEqual(customer);
        }
      }),
    );
  });
});

describe('a model of every event, read at an earlier asOf', () => {
  // One customer over four days with W of two: many moves of earlier tickets after later
  // contacts, so bounces come and go; asOf often falls on an event's own instant. Team t1 is in
  // two silos (Q1 and Q3), so a bounce can stop being cross-silo without a cross-silo transfer.
  const orgMap = { queues: { ...ORG_MAP.queues, Q3: { team: 't1', silo: 's2' } } };
  const denseArb = fc
    .array(
      fc.record({
        type: fc.constantFrom<EventType>('ticket.created', 'ticket.reopened', 'ticket.reassigned', 'ticket.reassigned', 'call.started', 'call.transferred', 'billing.payment_failed'),
        minutes: fc.integer({ min: 0, max: 4 * 24 * 60 }),
        contactId: fc.constantFrom('k1', 'k2', 'k3'),
        queue: fc.constantFrom('Q1', 'Q1b', 'Q2', 'Q3', 'Nowhere'),
      }),
      { minLength: 3, maxLength: 25 },
    )
    .map((drafts) => drafts.map((draft, i) => draftEvent({ ...draft, customer: { email: 'a@x.com' }, outbound: false }, i)));
  const withAsOf = (arb: fc.Arbitrary<CanonicalEvent[]>) =>
    arb.chain((events) =>
      fc.tuple(
        fc.constant(events),
        fc.oneof(
          fc.constantFrom(...events.map((e) => new Date(e.occurredAt))),
          fc.integer({ min: 0, max: 22 * 24 * 60 }).map((minutes) => new Date(EPOCH + minutes * 60_000 + (minutes % 2) * 30_000)),
        ),
      ),
    );
  for (const [name, arb] of [['several customers over three weeks', eventsArb], ['one busy customer', denseArb]] as const) {
  it(`gives the contacts, legs, resolution, bounces and journeys of the model built at that asOf: ${name}`, () => {
    fc.assert(
      fc.property(withAsOf(arb), ([events, asOfDate]) => {
        const asOf = asOfDate.toISOString();
        const full = buildJourneys(events, orgMap, { asOf: new Date('9999-01-01T00:00:00Z'), repeatWindowMs: 2 * DAY });
        const then = buildJourneys(events, orgMap, { asOf: asOfDate, repeatWindowMs: 2 * DAY });
        const fullContacts = full.customers.flatMap((c) => c.contacts.map((contact, i) => ({ contact, next: c.contacts[i + 1]?.start ?? null, previous: c.contacts[i - 1] })));
        const thenContacts = new Map(then.customers.flatMap((c) => c.contacts).map((contact) => [contact.eventId, contact]));
        expect([...thenContacts.keys()].sort()).toEqual(fullContacts.filter(({ contact }) => contact.start < asOf).map(({ contact }) => contact.eventId).sort());
        for (const { contact, next, previous } of fullContacts) {
          const at = thenContacts.get(contact.eventId);
          if (!at) continue;
          expect(at.legs).toEqual(legsAsOf(contact.legs, asOf));
          expect(at.resolvedAtFirstContact).toBe(resolvedAsOf(contact, next, asOf));
          const from = previous && contact.repeat ? legsAsOf(previous.legs, asOf).at(-1) : undefined;
          const bounce = at.handoffs.find((h) => h.kind === 'bounce');
          expect(bounce ? [bounce.fromTeam, bounce.fromSilo] : null).toEqual(from && from.team !== contact.firstTeam ? [from.team, from.silo] : null);
        }
        const byId = new Map(full.customers.flatMap((c) => c.contacts).map((contact) => [contact.eventId, contact]));
        const thenJourneys = new Map(then.customers.flatMap((c) => c.journeys).map((journey) => [journey.journeyId, journey]));
        for (const journey of full.customers.flatMap((c) => c.journeys)) {
          const contacts = journey.contactEventIds.map((id) => byId.get(id)!);
          const at = thenJourneys.get(journey.journeyId);
          expect(at === undefined).toBe(journey.start >= asOf);
          if (!at) continue;
          expect(at.contactEventIds).toEqual(contacts.filter((c) => c.start < asOf).map((c) => c.eventId));
          expect(at.crossSilo).toBe(crossSiloFlips(contacts).filter((flip) => flip < asOf).length % 2 === 1);
          expect(at.billingTrigger).toEqual(journey.billingTrigger);
        }
      }),
      { numRuns: 300 },
    );
  });
  }
});
