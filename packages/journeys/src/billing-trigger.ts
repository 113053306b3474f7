import type { CanonicalEvent } from '@seamline/schemas';
import { triggersJourney } from './definitions.ts';
import type { BillingTrigger } from './model.ts';

/**
 * docs/metrics.md "Billing-triggered journey": for each journey start s (ascending), the latest
 * billing event b that triggers it (s in (b, b + B]), or null. The interval is open at b: billing at the very instant
 * a contact starts cannot have caused it. Among billing events at one instant the last in
 * (occurredAt, id) order is the latest.
 */
export function billingTriggers(
  journeyStarts: readonly string[],
  orderedBillingEvents: readonly CanonicalEvent[],
  billingWindowMs: number,
): (BillingTrigger | null)[] {
  const billingTimes = orderedBillingEvents.map((event) => Date.parse(event.occurredAt));
  const triggers: (BillingTrigger | null)[] = [];
  let before = 0; // billing events [0, before) happened strictly before the current start
  for (const startIso of journeyStarts) {
    const start = Date.parse(startIso);
    while (before < billingTimes.length && billingTimes[before]! < start) before++;
    const latest = orderedBillingEvents[before - 1];
    const inWindow = latest !== undefined && triggersJourney(billingTimes[before - 1]!, start, billingWindowMs);
    triggers.push(inWindow ? { eventId: latest.id, type: latest.type, at: latest.occurredAt } : null);
  }
  return triggers;
}
