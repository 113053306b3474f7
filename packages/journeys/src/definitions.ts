import { durationMs, JOURNEY_DEFAULTS } from '@seamline/config';
import type { CanonicalEvent, EventType } from '@seamline/schemas';
import type { Summary } from './summary-schema.ts';

// Every rule behind Seamline's figures, each written once. docs/metrics.md gives each one in
// words with a worked example; the headings named in these comments are its sections. The
// journey model (journeys.ts, contacts.ts, billing-trigger.ts, as-of.ts) and the SQL over the
// stored rows (metric-rows.ts of @seamline/clickhouse) apply these rules; they do not restate them.

/** "Parameters": W, the repeat window (7 days), unless SEAMLINE_REPEAT_WINDOW says otherwise. */
export const DEFAULT_REPEAT_WINDOW_MS = durationMs(JOURNEY_DEFAULTS.repeatWindow);
/** "Parameters": B, the billing window (72 hours), unless SEAMLINE_BILLING_WINDOW says otherwise. */
export const DEFAULT_BILLING_WINDOW_MS = durationMs(JOURNEY_DEFAULTS.billingWindow);

const CONTACT_START_TYPES: ReadonlySet<EventType> = new Set<EventType>(['ticket.created', 'ticket.reopened', 'call.started']);
const LEG_MOVE_TYPES: ReadonlySet<EventType> = new Set<EventType>(['ticket.reassigned', 'call.transferred']);

/** "Contact": an inbound ticket.created, ticket.reopened or call.started; its start is its occurredAt. */
export function isContactStart(event: CanonicalEvent): boolean {
  return event.direction === 'inbound' && CONTACT_START_TYPES.has(event.type);
}

/** "Legs of a contact": a ticket.reassigned or call.transferred moves its contact to a new leg. */
export function isLegMove(event: CanonicalEvent): boolean {
  return LEG_MOVE_TYPES.has(event.type);
}

/** "Billing-triggered journey": billing events are never contacts; they may trigger a journey. */
export function isBillingEvent(event: CanonicalEvent): boolean {
  return event.type.startsWith('billing.');
}

/** "Legs of a contact": a leg of the same team as the leg before it collapses into that one. */
export function startsNewLeg(previousTeam: string | undefined, team: string): boolean {
  return previousTeam !== team;
}

/** A team and the silo (department) it belongs to, as the org map in force says. */
export interface Placement {
  team: string;
  silo: string;
}

/** "Transfer" and "Bounce": a handoff between two teams is cross-silo when their silos differ. */
export function isCrossSilo(from: Pick<Placement, 'silo'>, to: Pick<Placement, 'silo'>): boolean {
  return from.silo !== to.silo;
}

/** "Repeat contact": the customer's previous contact started at or after start − W. */
export function isRepeat(previousStartMs: number | undefined, startMs: number, repeatWindowMs: number): boolean {
  return previousStartMs !== undefined && previousStartMs >= startMs - repeatWindowMs;
}

/** "Journey": a contact that is not a repeat opens a new journey; a repeat joins the open one. */
export function opensJourney(repeat: boolean): boolean {
  return !repeat;
}

/** "Bounce": a repeat contact whose first team is not the previous contact's final team. */
export function isBounce(repeat: boolean, previousFinalTeam: string | undefined, firstTeam: string): boolean {
  return repeat && previousFinalTeam !== undefined && previousFinalTeam !== firstTeam;
}

/** "First-contact resolution": no next contact, or it starts after start + W (it is no repeat). */
export function isResolvedAtFirstContact(startMs: number, nextStartMs: number | undefined, repeatWindowMs: number): boolean {
  return nextStartMs === undefined || nextStartMs > startMs + repeatWindowMs;
}

/** "First-contact resolution": the instant a contact matures (start + W); it counts in FCR from then on. */
export function maturityMs(startMs: number, repeatWindowMs: number): number {
  return startMs + repeatWindowMs;
}

/** "First-contact resolution": only a mature contact (start + W <= asOf) counts in FCR figures. */
export function isMature(startMs: number, repeatWindowMs: number, asOfMs: number): boolean {
  return maturityMs(startMs, repeatWindowMs) <= asOfMs;
}

/** "Billing-triggered journey": a billing event at b triggers a journey that starts in (b, b + B]. */
export function triggersJourney(billingMs: number, journeyStartMs: number, billingWindowMs: number): boolean {
  return billingMs < journeyStartMs && journeyStartMs <= billingMs + billingWindowMs;
}

/** What a count counts: contacts that start in the period, mature ones among them, or journeys. */
export type CountedUnit = 'contact' | 'matureContact' | 'journey';

/**
 * "Attribution and rates": the team each unit is credited to, and scoped by. A journey's first
 * team is the first team of its first contact; a mature contact's final team is the team of its
 * last leg (at asOf).
 */
export const CREDITED_TEAM = {
  contact: 'firstTeam',
  matureContact: 'finalTeam',
  journey: 'firstTeam',
} as const satisfies Record<CountedUnit, 'firstTeam' | 'finalTeam'>;

/**
 * "Attribution and rates": each count of the summary and what it counts. Transfers are those of
 * the counted contacts; a bounce counts with the later contact of its pair. The order is the
 * order of the counts' columns in the rollup tables.
 */
export const COUNTED = {
  contacts: 'contact',
  repeatContacts: 'contact',
  transfers: 'contact',
  crossSiloTransfers: 'contact',
  matureContacts: 'matureContact',
  fcrContacts: 'matureContact',
  journeys: 'journey',
  journeyContacts: 'journey',
  crossSiloJourneys: 'journey',
  billingTriggeredJourneys: 'journey',
  bounces: 'contact',
  crossSiloBounces: 'contact',
} as const satisfies Record<string, CountedUnit>;

export type CountName = keyof typeof COUNTED;
export type Counts = Record<CountName, number>;
/** The counts, in the order of COUNTED. */
export const COUNT_NAMES = Object.keys(COUNTED) as CountName[];
export const NO_COUNTS: Readonly<Counts> = Object.fromEntries(COUNT_NAMES.map((name) => [name, 0])) as Counts;

/** The team a unit is credited to, of a contact or journey that carries its first and final team. */
export function creditedPlacement(unit: CountedUnit, row: { firstTeam: string; firstSilo: string; finalTeam?: string; finalSilo?: string }): Placement {
  return CREDITED_TEAM[unit] === 'firstTeam' ? { team: row.firstTeam, silo: row.firstSilo } : { team: row.finalTeam!, silo: row.finalSilo! };
}

/** "Attribution and rates": each rate or mean, as [numerator, denominator]. */
export const RATES = {
  repeatRate: ['repeatContacts', 'contacts'],
  fcrRate: ['fcrContacts', 'matureContacts'],
  contactsPerJourney: ['journeyContacts', 'journeys'],
  crossSiloJourneyRate: ['crossSiloJourneys', 'journeys'],
  billingTriggeredRate: ['billingTriggeredJourneys', 'journeys'],
} as const satisfies Record<string, readonly [CountName, CountName]>;

/** A rate or mean rounded to 6 decimals; null, never NaN, when nothing is counted below it. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 1e6) / 1e6;
}

/** The summary's figures: every count but journeyContacts (behind contactsPerJourney), and every rate. */
export type Figures = Omit<Summary, 'from' | 'to' | 'asOf' | 'scope'>;

/** The summary's figures from the counts, in the order the summary lists them. */
export function figuresOf(counts: Readonly<Counts>): Figures {
  const rate = (name: keyof typeof RATES) => ratio(counts[RATES[name][0]], counts[RATES[name][1]]);
  return {
    contacts: counts.contacts,
    repeatContacts: counts.repeatContacts,
    repeatRate: rate('repeatRate'),
    matureContacts: counts.matureContacts,
    fcrContacts: counts.fcrContacts,
    fcrRate: rate('fcrRate'),
    journeys: counts.journeys,
    contactsPerJourney: rate('contactsPerJourney'),
    crossSiloJourneys: counts.crossSiloJourneys,
    crossSiloJourneyRate: rate('crossSiloJourneyRate'),
    billingTriggeredJourneys: counts.billingTriggeredJourneys,
    billingTriggeredRate: rate('billingTriggeredRate'),
    transfers: counts.transfers,
    crossSiloTransfers: counts.crossSiloTransfers,
    bounces: counts.bounces,
    crossSiloBounces: counts.crossSiloBounces,
  };
}
