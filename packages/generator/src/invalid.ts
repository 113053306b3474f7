import type { CanonicalEventInput } from '@seamline/schemas';
import type { Random } from './random.ts';

/**
 * The event with one defect real feeds have, so that the ingest path meets dead letters: nothing
 * left that identifies anyone, a phone that is not E.164, a timestamp that is not ISO 8601, or a
 * ticket or call without its id.
 */
export function corrupt(random: Random, event: CanonicalEventInput): CanonicalEventInput {
  const defect = random.int(0, 3);
  if (defect === 0) return { ...event, customer: { email: '   ', phone: 'anonymous' } };
  if (defect === 1) return { ...event, customer: { phone: '0151 2345' } };
  if (defect === 2) return { ...event, occurredAt: event.occurredAt.replace('T', ' at ') };
  if (event.contactId === undefined) return { ...event, customer: { billingId: 'unknown' } };
  const { contactId: _missing, ...withoutContact } = event;
  return withoutContact;
}
