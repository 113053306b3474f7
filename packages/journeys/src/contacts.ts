import type { CanonicalEvent } from '@seamline/schemas';
import { isContactStart, isLegMove, startsNewLeg } from './definitions.ts';
import { ThreadMap } from './events.ts';
import { attributeQueue, type OrgMap } from './org-map.ts';

/** One queue a contact passed through, attributed with the org map in force. */
export interface Leg {
  /** The event that put the contact in this queue: its start, or a reassign / transfer. */
  eventId: string;
  at: string;
  queue: string | null;
  team: string;
  silo: string;
}

/** A contact start with the legs it went through, before journeys are known. */
export interface ContactLegs {
  start: CanonicalEvent;
  legs: Leg[];
}

/** A change of team between two consecutive legs (docs/metrics.md "Transfer"). */
export interface LegChange {
  from: Leg;
  to: Leg;
}

/**
 * docs/metrics.md "Contact" and "Legs of a contact", for one customer's events in (occurredAt, id) order,
 * already cut at asOf. A reassign or transfer extends the latest earlier contact start of the
 * same (source, contactId); a later start of that ticket or call (a reopen) takes over from
 * there. Moves with no earlier start are not part of any contact and are ignored.
 */
export function collectContactLegs(orderedEvents: readonly CanonicalEvent[], orgMap: OrgMap): ContactLegs[] {
  const contacts: ContactLegs[] = [];
  const latestByThread = new ThreadMap<ContactLegs>();
  for (const event of orderedEvents) {
    if (isContactStart(event)) {
      const contact: ContactLegs = { start: event, legs: [legOf(event, orgMap)] };
      contacts.push(contact);
      latestByThread.set(event, contact);
    } else if (isLegMove(event)) {
      const contact = latestByThread.get(event);
      if (contact) addLeg(contact.legs, legOf(event, orgMap));
    }
  }
  return contacts;
}

/** Consecutive legs of one team collapse into the first of them: moving within a team is no handoff. */
function addLeg(legs: Leg[], leg: Leg): void {
  if (startsNewLeg(legs[legs.length - 1]?.team, leg.team)) legs.push(leg);
}

function legOf(event: CanonicalEvent, orgMap: OrgMap): Leg {
  const { team, silo } = attributeQueue(orgMap, event.queue);
  return { eventId: event.id, at: event.occurredAt, queue: event.queue ?? null, team, silo };
}

/** Consecutive legs already differ in team, so every consecutive pair is one transfer. */
export function legChanges(legs: readonly Leg[]): LegChange[] {
  const changes: LegChange[] = [];
  for (let i = 1; i < legs.length; i++) changes.push({ from: legs[i - 1]!, to: legs[i]! });
  return changes;
}
