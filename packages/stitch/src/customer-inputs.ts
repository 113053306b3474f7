import type { ContactTableRow, GoneRow, HandoffTableRow, JourneyTableRow } from '@seamline/clickhouse';
import type { KnownIdentities } from '@seamline/journeys';
import { identifierKeys, type CanonicalEvent } from '@seamline/schemas';

/**
 * Each customer's journey inputs among these events: the events naming one of its identifiers,
 * and every event of the tickets and calls those belong to (what readCustomersEvents reads).
 */
export function inputsOfCustomers(
  events: Iterable<CanonicalEvent>,
  customerIds: ReadonlySet<string>,
  identities: KnownIdentities,
): Map<string, CanonicalEvent[]> {
  const byThread = new Map<string, CanonicalEvent[]>();
  const named = new Map<string, Set<CanonicalEvent>>();
  for (const event of events) {
    if (event.contactId !== undefined) {
      const list = byThread.get(event.contactId);
      if (list) list.push(event);
      else byThread.set(event.contactId, [event]);
    }
    for (const key of identifierKeys(event.customer)) {
      const customerId = identities.customerOf.get(key);
      if (customerId === undefined || !customerIds.has(customerId)) continue;
      const set = named.get(customerId);
      if (set) set.add(event);
      else named.set(customerId, new Set([event]));
    }
  }
  const inputs = new Map<string, CanonicalEvent[]>();
  for (const [customerId, events] of named) {
    const all = new Set(events);
    for (const event of events) {
      if (event.contactId === undefined) continue;
      for (const sibling of byThread.get(event.contactId) ?? []) all.add(sibling);
    }
    inputs.set(customerId, [...all]);
  }
  return inputs;
}

/**
 * Keys of rows in a customer's fingerprints, by table. A journey's and a handoff's key carries
 * the start its rows are partitioned by (epoch ms), so a deletion marker can be written for it.
 */
export const rowKey = {
  CONTACT: 'c:',
  JOURNEY: 'j:',
  HANDOFF: 'h:',
  contact: (row: Pick<ContactTableRow, 'event_id'>) => `c:${row.event_id}`,
  journey: (row: Pick<JourneyTableRow, 'journey_id' | 'start'>) => rowKey.ofGone(rowKey.JOURNEY, { id: row.journey_id, start: row.start }),
  handoff: (row: Pick<HandoffTableRow, 'handoff_id' | 'contact_start'>) => rowKey.ofGone(rowKey.HANDOFF, { id: row.handoff_id, start: row.contact_start }),
  ofGone: (prefix: string, row: GoneRow) => `${prefix}${Date.parse(row.start)}:${row.id}`,
  /** The journey or handoff a key names (with rowKey.JOURNEY or rowKey.HANDOFF as `prefix`). */
  gone: (prefix: string, key: string): GoneRow => {
    const rest = key.slice(prefix.length);
    const colon = rest.indexOf(':');
    return { start: new Date(Number(rest.slice(0, colon))).toISOString(), id: rest.slice(colon + 1) };
  },
};

/** A 53-bit hash of a row's content, leaving out when it was computed: equal rows need no write. */
export function rowFingerprint<R extends object>(row: R): number {
  let a = 0x811c9dc5;
  let b = 0x1b873593;
  for (const key in row) {
    if (key === 'computed_at') continue;
    const value: unknown = row[key];
    const text = `${key}=${typeof value === 'string' ? value : `\u0001${JSON.stringify(value)}`}\u0000`;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
  }
  return (a >>> 0) * 0x200000 + ((b >>> 0) & 0x1fffff);
}
