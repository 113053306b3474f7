import type { CanonicalEvent } from '@seamline/schemas';

// Test support for the tests of the generated stream: its customers as docs/metrics.md "Customer" defines them, and
// the events that start a contact.

/**
 * Customers as docs/metrics.md "Customer" defines them: identifiers seen together in one event are one customer.
 * `keysOf` names an event's identifiers; the answer names each event's customer (the root of the
 * first of them).
 */
export function linkCustomers<E>(events: Iterable<E>, keysOf: (event: E) => string[]): (event: E) => string {
  const parent = new Map<string, string>();
  const find = (key: string): string => {
    const up = parent.get(key) ?? key;
    if (up === key) return key;
    const root = find(up);
    parent.set(key, root);
    return root;
  };
  for (const event of events) {
    const [first, ...others] = keysOf(event);
    if (first !== undefined) for (const other of others) parent.set(find(other), find(first));
  }
  return (event) => find(keysOf(event)[0] ?? '');
}

/** An inbound ticket created or reopened, or an inbound call: the start of a contact. */
export function isContact(event: CanonicalEvent): boolean {
  const starts = event.type === 'ticket.created' || event.type === 'ticket.reopened' || event.type === 'call.started';
  return starts && event.direction === 'inbound';
}
