import type { Leg } from './contacts.ts';
import { isBounce, isCrossSilo } from './definitions.ts';
import type { Contact } from './model.ts';

// How a model computed from every event (asOf far in the future) reads at an earlier asOf, so
// that stored rows answer for any asOf. The figures count only events with occurredAt < asOf, while
// customers are stitched over all events; so as of an earlier asOf:
// - a customer's contacts are those that start before asOf (a prefix in (start, id) order), and
//   each keeps its first team and whether it is a repeat (both depend on earlier contacts only);
// - a contact's legs are those that happened before asOf (a prefix of its legs), which gives its
//   final team and its transfers at that asOf;
// - a contact is resolved at first contact unless its next contact starts before asOf and
//   within W: `resolvedAsOf`;
// - a bounce into a contact comes from the previous contact's final team at that asOf, so it may
//   exist at one asOf and not at a later one (the earlier ticket moved to the later team);
// - a journey's contacts are those that start before asOf, and whether it is cross-silo can
//   flip back and forth with the bounces: `crossSiloFlips` gives the instants it flips at.
// Billing triggers never change: a journey's trigger lies before its start, so before asOf.

/** The legs of a contact at asOf: those that happened before it. */
export function legsAsOf(legs: readonly Leg[], asOf: string): Leg[] {
  return legs.filter((leg) => leg.at < asOf);
}

/** docs/metrics.md "First-contact resolution" at asOf, for a contact that starts before asOf. */
export function resolvedAsOf(contact: Pick<Contact, 'resolvedAtFirstContact'>, nextStart: string | null, asOf: string): boolean {
  return contact.resolvedAtFirstContact || nextStart === null || nextStart >= asOf;
}

/** Whether a journey of these contacts (in order, the first one not a repeat) is cross-silo at asOf. */
function crossSiloAt(contacts: readonly Contact[], asOf: string): boolean {
  let previous: Leg[] | undefined;
  for (const contact of contacts) {
    if (contact.start >= asOf) break;
    const legs = legsAsOf(contact.legs, asOf);
    for (let i = 1; i < legs.length; i++) if (isCrossSilo(legs[i - 1]!, legs[i]!)) return true;
    const from = previous?.[previous.length - 1];
    if (from && isBounce(true, from.team, contact.firstTeam) && isCrossSilo(from, { silo: contact.firstSilo })) return true;
    previous = legs;
  }
  return false;
}

/**
 * The instants at which a journey's cross-silo status flips, ascending: it is cross-silo at asOf
 * exactly when an odd number of them lie before asOf. Not cross-silo before its first contact.
 * The status can only change at an instant where a leg (a contact start included) happened.
 */
export function crossSiloFlips(contacts: readonly Contact[]): string[] {
  const instants = [...new Set(contacts.flatMap((contact) => contact.legs.map((leg) => leg.at)))].sort();
  const flips: string[] = [];
  let status = false;
  for (const instant of instants) {
    // Every event at or before `instant` counts: the status for asOf just after it.
    const now = crossSiloAt(contacts, `${instant}\u0001`);
    if (now !== status) flips.push(instant);
    status = now;
  }
  return flips;
}
