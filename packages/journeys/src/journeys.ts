import type { CanonicalEvent } from '@seamline/schemas';
import { billingTriggers } from './billing-trigger.ts';
import { collectContactLegs, legChanges, type ContactLegs } from './contacts.ts';
import { groupEventsByCustomer } from './customer-events.ts';
import { DEFAULT_BILLING_WINDOW_MS, DEFAULT_REPEAT_WINDOW_MS, isBillingEvent, isBounce, isCrossSilo, isMature, isRepeat, isResolvedAtFirstContact, opensJourney } from './definitions.ts';
import { orderEvents } from './events.ts';
import { linkIdentities } from './identity-graph.ts';
import { stableId } from './ids.ts';
import type { Contact, CustomerJourneys, Handoff, Journey, JourneyModel, JourneyOptions } from './model.ts';
import type { OrgMap } from './org-map.ts';

export { DEFAULT_BILLING_WINDOW_MS, DEFAULT_REPEAT_WINDOW_MS } from './definitions.ts';

/**
 * Every customer's contacts and journeys. Identity is stitched over all events (also those at
 * or after asOf); everything else only sees events before asOf.
 */
export function buildJourneys(events: Iterable<CanonicalEvent>, orgMap: OrgMap, options: JourneyOptions): JourneyModel {
  const ordered = orderEvents(events);
  const graph = linkIdentities(ordered, { maxIdentifiers: options.maxIdentifiers });
  const customers: CustomerJourneys[] = [];
  for (const [customerId, customerEvents] of groupEventsByCustomer(ordered, graph)) {
    const journeys = journeysOfOrderedEvents(customerId, customerEvents, orgMap, options);
    if (journeys.contacts.length > 0) customers.push(journeys);
  }
  customers.sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
  return {
    asOf: options.asOf.toISOString(),
    repeatWindowMs: options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS,
    billingWindowMs: options.billingWindowMs ?? DEFAULT_BILLING_WINDOW_MS,
    customers,
    refusedLinks: [...graph.refusedLinks],
  };
}

/**
 * One customer's contacts and journeys, from that customer's events only (any order,
 * duplicates allowed), as groupEventsByCustomer gives them: the unit to recompute when a late
 * event or a late identity link touches a customer.
 */
export function buildCustomerJourneys(
  customerId: string,
  events: Iterable<CanonicalEvent>,
  orgMap: OrgMap,
  options: JourneyOptions,
): CustomerJourneys {
  return journeysOfOrderedEvents(customerId, orderEvents(events), orgMap, options);
}

function journeysOfOrderedEvents(
  customerId: string,
  ordered: readonly CanonicalEvent[],
  orgMap: OrgMap,
  options: JourneyOptions,
): CustomerJourneys {
  const asOf = options.asOf.toISOString();
  const counted = ordered.filter((event) => event.occurredAt < asOf);
  const contacts = toContacts(customerId, collectContactLegs(counted, orgMap), options);
  const journeys = toJourneys(contacts);
  const triggers = billingTriggers(
    journeys.map((journey) => journey.start),
    counted.filter(isBillingEvent),
    options.billingWindowMs ?? DEFAULT_BILLING_WINDOW_MS,
  );
  journeys.forEach((journey, i) => {
    journey.billingTrigger = triggers[i] ?? null;
  });
  return { customerId, contacts, journeys };
}

/** Repeat, FCR and maturity (docs/metrics.md); a journey opens at every contact that is not a repeat. */
function toContacts(customerId: string, contactLegs: readonly ContactLegs[], options: JourneyOptions): Contact[] {
  const window = options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS;
  const asOfMs = options.asOf.getTime();
  const starts = contactLegs.map(({ start }) => Date.parse(start.occurredAt));
  const contacts: Contact[] = [];
  let journeyId = '';
  contactLegs.forEach(({ start: event, legs }, i) => {
    const start = starts[i]!;
    const previous = contacts[i - 1];
    const next = starts[i + 1];
    const repeat = isRepeat(starts[i - 1], start, window);
    if (opensJourney(repeat)) journeyId = stableId('jrn', event.id);
    const first = legs[0]!;
    const final = legs[legs.length - 1]!;
    const contact: Contact = {
      eventId: event.id,
      customerId,
      journeyId,
      source: event.source,
      contactId: event.contactId ?? null,
      type: event.type,
      channel: event.channel,
      reason: event.reason ?? null,
      start: event.occurredAt,
      legs,
      firstTeam: first.team,
      firstSilo: first.silo,
      finalTeam: final.team,
      finalSilo: final.silo,
      handoffs: [],
      repeat,
      resolvedAtFirstContact: isResolvedAtFirstContact(start, next, window),
      mature: isMature(start, window, asOfMs),
    };
    for (const { from, to } of legChanges(legs)) contact.handoffs.push(handoff(contact, 'transfer', to.at, from, to));
    if (previous && isBounce(repeat, previous.finalTeam, contact.firstTeam)) {
      const from = { team: previous.finalTeam, silo: previous.finalSilo };
      contact.handoffs.push(handoff(contact, 'bounce', contact.start, from, first));
    }
    contacts.push(contact);
  });
  return contacts;
}

function handoff(
  contact: Contact,
  kind: Handoff['kind'],
  at: string,
  from: { team: string; silo: string },
  to: { team: string; silo: string },
): Handoff {
  return {
    kind,
    customerId: contact.customerId,
    journeyId: contact.journeyId,
    contactEventId: contact.eventId,
    at,
    fromTeam: from.team,
    fromSilo: from.silo,
    toTeam: to.team,
    toSilo: to.silo,
    crossSilo: isCrossSilo(from, to),
  };
}

function toJourneys(contacts: readonly Contact[]): Journey[] {
  const journeys: Journey[] = [];
  for (const contact of contacts) {
    let journey = journeys[journeys.length - 1];
    if (opensJourney(contact.repeat) || journey === undefined) {
      journey = {
        journeyId: contact.journeyId,
        customerId: contact.customerId,
        start: contact.start,
        contactEventIds: [],
        firstTeam: contact.firstTeam,
        firstSilo: contact.firstSilo,
        crossSilo: false,
        billingTrigger: null,
      };
      journeys.push(journey);
    }
    journey.contactEventIds.push(contact.eventId);
    if (contact.handoffs.some((h) => h.crossSilo)) journey.crossSilo = true;
  }
  return journeys;
}
