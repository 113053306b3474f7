import type { CanonicalEventInput } from '@seamline/schemas';

/** Which defect an event gets: one of DEFECTS, or NO_DEFECT. */
export type Defect = number;
export const NO_DEFECT = -1;
/** How many kinds of defect there are: a defect is drawn as a whole number from 0 to DEFECTS - 1. */
export const DEFECTS = 4;

/**
 * The event with one defect real feeds have, so that the ingest path meets dead letters: nothing
 * left that identifies anyone, a phone that is not E.164, a timestamp that is not ISO 8601, or a
 * ticket or call without its id.
 */
export function corrupt(defect: Defect, event: CanonicalEventInput): CanonicalEventInput {
  if (defect === 0) return { ...event, customer: { email: '   ', phone: 'anonymous' } };
  if (defect === 1) return { ...event, customer: { phone: '0151 2345' } };
  if (defect === 2) return { ...event, occurredAt: event.occurredAt.replace('T', ' at ') };
  if (event.contactId === undefined) return { ...event, customer: { billingId: 'unknown' } };
  const { contactId: _missing, ...withoutContact } = event;
  return withoutContact;
}
