import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readCustomerEventsBetween, readStoredJourney, type StoredJourney } from '@seamline/clickhouse';
import { attributeQueue, isBillingEvent, isContactStart, isLegMove, orderEvents, type OrgMap } from '@seamline/journeys';
import type { CanonicalEvent, CustomerIdentifiers } from '@seamline/schemas';
import { z } from 'zod';
import { maskIdentifiers } from '../auth/mask.ts';
import { canSeeTeam, principalOf, type Principal } from '../auth/principal.ts';
import { problemResponses } from '../openapi.ts';

// One journey as a leader reviews it: every touchpoint of the customer, in time order, with the
// team each contact and leg went to and the handoffs where they happened.

export interface JourneyRoutesOptions {
  clickhouse: ClickHouseClient;
  /** The org map in force: contact starts and legs are attributed with it. */
  orgMap: () => OrgMap;
}

export const journeyParams = z.object({ id: z.string().min(1).max(200).describe('a journey id, e.g. jrn_0123456789abcdef') });

const handoffSchema = z.object({
  kind: z.enum(['transfer', 'bounce']),
  fromTeam: z.string(),
  fromSilo: z.string(),
  toTeam: z.string(),
  toSilo: z.string(),
  crossSilo: z.boolean(),
});

export const touchpointSchema = z.object({
  at: z.iso.datetime(),
  kind: z.enum(['contact', 'leg', 'billing', 'other']).describe('contact: a contact starts; leg: it moves to another queue'),
  eventId: z.string(),
  type: z.string(),
  source: z.string(),
  channel: z.string(),
  queue: z.string().nullable(),
  team: z.string().nullable().describe('contacts and legs only: the team of the queue under the org map in force'),
  silo: z.string().nullable(),
  reason: z.string().nullable(),
  customer: z.object({ email: z.string().optional(), phone: z.string().optional(), billingId: z.string().optional(), crmId: z.string().optional(), sourceId: z.string().optional() }),
  handoff: handoffSchema.optional().describe('transfer: on the leg that moved the contact; bounce: on the start of the later contact'),
});
export type Touchpoint = z.infer<typeof touchpointSchema>;

export const journeySchema = z.object({
  journeyId: z.string(),
  customerId: z.string(),
  start: z.iso.datetime(),
  firstTeam: z.string(),
  firstSilo: z.string(),
  crossSilo: z.boolean(),
  billingTrigger: z.object({ type: z.string(), at: z.iso.datetime() }).nullable(),
  teams: z.array(z.string()).describe('every team the journey touched: first and final team of its contacts, both sides of its handoffs'),
  touchpoints: z.array(touchpointSchema),
});
export type JourneyView = z.infer<typeof journeySchema>;

/**
 * How this principal sees a customer's identifiers. The one place a journey's identifiers are
 * masked, so the rule lives in auth/mask.ts alone.
 */
export function maskFor(principal: Principal): (customer: CustomerIdentifiers) => CustomerIdentifiers {
  return (customer) => maskIdentifiers(customer, principal);
}

/** The teams a journey touched, in the order its contacts and handoffs reach them. */
export function journeyTeams(stored: StoredJourney): string[] {
  const teams = new Set<string>();
  for (const contact of stored.contacts) {
    for (const handoff of stored.handoffs.filter((h) => h.contact_event_id === contact.event_id)) {
      teams.add(handoff.from_team).add(handoff.to_team);
    }
    teams.add(contact.first_team).add(contact.final_team);
  }
  return [...teams];
}

function kindOf(event: CanonicalEvent): Touchpoint['kind'] {
  if (isContactStart(event)) return 'contact';
  if (isLegMove(event)) return 'leg';
  return isBillingEvent(event) ? 'billing' : 'other';
}

/**
 * The customer's events as touchpoints, in (occurredAt, id) order, with the stored handoffs
 * marked where they happen: a bounce on the start of its later contact, a transfer on the leg
 * event of its contact at its instant (the one moving to its team, when the map still agrees).
 */
export function touchpointsOf(stored: StoredJourney, events: readonly CanonicalEvent[], orgMap: OrgMap, mask: (customer: CustomerIdentifiers) => CustomerIdentifiers): Touchpoint[] {
  const timeline = orderEvents(events).map((event) => {
    const kind = kindOf(event);
    const attribution = kind === 'contact' || kind === 'leg' ? attributeQueue(orgMap, event.queue) : undefined;
    const touchpoint: Touchpoint = {
      at: event.occurredAt,
      kind,
      eventId: event.id,
      type: event.type,
      source: event.source,
      channel: event.channel,
      queue: event.queue ?? null,
      team: attribution?.team ?? null,
      silo: attribution?.silo ?? null,
      reason: event.reason ?? null,
      customer: mask(event.customer),
    };
    return { event, touchpoint };
  });
  const contacts = new Map(stored.contacts.map((contact) => [contact.event_id, contact]));
  for (const handoff of stored.handoffs) {
    let marked: Touchpoint | undefined;
    if (handoff.kind === 'bounce') {
      marked = timeline.find(({ touchpoint }) => touchpoint.eventId === handoff.contact_event_id)?.touchpoint;
    } else {
      const contact = contacts.get(handoff.contact_event_id);
      const legs = timeline
        .filter(({ event, touchpoint }) => touchpoint.kind === 'leg' && touchpoint.handoff === undefined && Date.parse(event.occurredAt) === handoff.at_ms)
        .filter(({ event }) => contact !== undefined && event.source === contact.source && (event.contactId ?? null) === contact.contact_id)
        .map(({ touchpoint }) => touchpoint);
      marked = legs.find((leg) => leg.team === handoff.to_team) ?? legs[0];
    }
    if (marked) {
      marked.handoff = {
        kind: handoff.kind,
        fromTeam: handoff.from_team,
        fromSilo: handoff.from_silo,
        toTeam: handoff.to_team,
        toSilo: handoff.to_silo,
        crossSilo: handoff.cross_silo,
      };
    }
  }
  return timeline.map(({ touchpoint }) => touchpoint);
}

/** GET /v1/journeys/:id: a team key reads a journey only when it touched one of the key's teams. */
export async function journeyRoutes(app: FastifyInstance, options: JourneyRoutesOptions): Promise<void> {
  const { clickhouse } = options;
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/journeys/:id',
    {
      schema: {
        tags: ['journeys'],
        summary: "One journey: the customer's touchpoints from its billing trigger (or start) to the next journey",
        params: journeyParams,
        response: { 200: journeySchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const stored = await readStoredJourney(clickhouse, id);
      if (!stored) return reply.code(404).send({ error: `no journey "${id}": journey ids come from /v1/teams/:team/journeys` });
      const principal = principalOf(request);
      const teams = journeyTeams(stored);
      if (!teams.some((team) => canSeeTeam(principal, team))) {
        const sees = principal.teams.join(', ') || '(none)';
        return reply.code(403).send({ error: `this API key may not see journey "${id}": it touched none of the teams the key sees (${sees})` });
      }
      const { journey } = stored;
      const fromMs = journey.billing_trigger_at_ms ?? journey.start_ms;
      const events = await readCustomerEventsBetween(clickhouse, journey.customer_id, fromMs, stored.nextJourneyStartMs);
      const view: JourneyView = {
        journeyId: journey.journey_id,
        customerId: journey.customer_id,
        start: new Date(journey.start_ms).toISOString(),
        firstTeam: journey.first_team,
        firstSilo: journey.first_silo,
        crossSilo: journey.cross_silo,
        billingTrigger:
          journey.billing_trigger_type !== '' && journey.billing_trigger_at_ms !== null
            ? { type: journey.billing_trigger_type, at: new Date(journey.billing_trigger_at_ms).toISOString() }
            : null,
        teams,
        touchpoints: touchpointsOf(stored, events, options.orgMap(), maskFor(principal)),
      };
      return view;
    },
  );
}
