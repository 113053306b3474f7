import type { CanonicalEvent } from '@seamline/schemas';
import { isContactStart, isLegMove, ThreadMap } from './events.ts';
import type { IdentityGraph } from './identity-graph.ts';

/**
 * Splits ordered events (see orderEvents) into each customer's events, in the same order.
 *
 * An event goes to the customer of its identifiers, with one exception: a ticket.reassigned or
 * call.transferred goes to the customer of the contact it is a leg of (the latest earlier
 * contact start of the same source and contactId), because docs/metrics.md "Legs of a contact" ties legs to the ticket or
 * call, not to the identifiers the move happens to carry. With this, each customer's events are
 * everything needed to compute that customer's contacts and journeys on their own.
 */
export function groupEventsByCustomer(
  orderedEvents: readonly CanonicalEvent[],
  graph: IdentityGraph,
): Map<string, CanonicalEvent[]> {
  const byCustomer = new Map<string, CanonicalEvent[]>();
  const contactOwner = new ThreadMap<string>();
  for (const event of orderedEvents) {
    const owner = isLegMove(event) ? contactOwner.get(event) : undefined;
    const customerId = owner ?? graph.customerOfEvent(event);
    if (isContactStart(event)) contactOwner.set(event, customerId);
    const events = byCustomer.get(customerId);
    if (events) events.push(event);
    else byCustomer.set(customerId, [event]);
  }
  return byCustomer;
}
