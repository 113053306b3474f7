import type { CanonicalEvent, EventType } from '@seamline/schemas';
import type { Leg } from './contacts.ts';
import type { RefusedLink } from './identity-graph.ts';

// The intermediate model: what the metrics are counted from, and what the stitcher stores as
// contacts, journeys and handoffs tables.

export interface JourneyOptions {
  /** The "now" of the computation: only events with occurredAt < asOf count. */
  asOf: Date;
  /** Repeat window W. */
  repeatWindowMs?: number;
  /** Billing trigger window B. */
  billingWindowMs?: number;
  /** Over-merging guard of the identity graph. */
  maxIdentifiers?: number;
}

/** A transfer within a contact, or a bounce between two consecutive contacts of a journey. */
export interface Handoff {
  kind: 'transfer' | 'bounce';
  customerId: string;
  journeyId: string;
  /** The contact the handoff is counted with: the contact transferred, or the later contact of a bounce. */
  contactEventId: string;
  /** Transfer: when the work moved; bounce: when the later contact started. */
  at: string;
  fromTeam: string;
  fromSilo: string;
  toTeam: string;
  toSilo: string;
  crossSilo: boolean;
}

export interface Contact {
  /** Id of the start event; unique, so it identifies the contact. */
  eventId: string;
  customerId: string;
  journeyId: string;
  source: string;
  /** The ticket or call id in the source. */
  contactId: string | null;
  type: EventType;
  channel: CanonicalEvent['channel'];
  /** The contact reason its start event gave, if any. */
  reason: string | null;
  start: string;
  legs: Leg[];
  firstTeam: string;
  firstSilo: string;
  finalTeam: string;
  finalSilo: string;
  /** Its transfers in time order, then the bounce into it from the previous contact, if any. */
  handoffs: Handoff[];
  repeat: boolean;
  /** No later contact starts within W. Only final once `mature`. */
  resolvedAtFirstContact: boolean;
  /** start + W <= asOf: only mature contacts count in FCR figures. */
  mature: boolean;
}

export interface BillingTrigger {
  eventId: string;
  type: EventType;
  at: string;
}

export interface Journey {
  /** Derived from the first contact, so it survives customer merges that leave the journey as it is. */
  journeyId: string;
  customerId: string;
  start: string;
  contactEventIds: string[];
  firstTeam: string;
  firstSilo: string;
  /** At least one cross-silo transfer or cross-silo bounce. */
  crossSilo: boolean;
  billingTrigger: BillingTrigger | null;
}

export interface CustomerJourneys {
  customerId: string;
  /** In (start, event id) order. */
  contacts: Contact[];
  /** In start order. */
  journeys: Journey[];
}

export interface JourneyModel {
  asOf: string;
  repeatWindowMs: number;
  billingWindowMs: number;
  /** Customers with at least one contact before asOf, by customer id. */
  customers: CustomerJourneys[];
  refusedLinks: RefusedLink[];
}
