import type { CanonicalEvent } from '@seamline/schemas';

export { isBillingEvent, isContactStart, isLegMove } from './definitions.ts';

/**
 * Values per ticket or call, the (source, contactId) an event is about: two systems may both
 * have a "ticket 42", and they are different tickets. Nested maps rather than a joined key, so
 * no new string is built and hashed per event.
 */
export class ThreadMap<V> {
  private readonly bySource = new Map<string, Map<string, V>>();

  get(event: CanonicalEvent): V | undefined {
    return event.contactId === undefined ? undefined : this.bySource.get(event.source)?.get(event.contactId);
  }

  /** Events without contactId belong to no ticket or call and are not kept. */
  set(event: CanonicalEvent, value: V): void {
    if (event.contactId === undefined) return;
    let byContact = this.bySource.get(event.source);
    if (!byContact) this.bySource.set(event.source, (byContact = new Map()));
    byContact.set(event.contactId, value);
  }
}

/**
 * The one event order used everywhere: (occurredAt, id). occurredAt of a CanonicalEvent is UTC
 * ISO 8601 with milliseconds, fixed width, so comparing the strings compares the instants.
 * Ids compare by code unit, not by locale, so the order is the same on every machine.
 */
export function compareEvents(a: CanonicalEvent, b: CanonicalEvent): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/**
 * Events deduplicated by id and sorted by (occurredAt, id). When one id comes with two different
 * payloads, the kept one must not depend on arrival order: the earliest occurredAt wins, then the
 * smaller payload in key-sorted JSON.
 */
export function orderEvents(events: Iterable<CanonicalEvent>): CanonicalEvent[] {
  const byId = new Map<string, CanonicalEvent>();
  for (const event of events) {
    const kept = byId.get(event.id);
    if (kept === undefined || prefersOver(event, kept)) byId.set(event.id, event);
  }
  // Sorting on parsed instants is several times faster than comparing timestamp strings,
  // which matters at a hundred thousand events.
  const unique = [...byId.values()];
  const instants = unique.map((event) => Date.parse(event.occurredAt));
  const order = unique.map((_, i) => i);
  order.sort((a, b) => instants[a]! - instants[b]! || compareIds(unique[a]!.id, unique[b]!.id));
  return order.map((i) => unique[i]!);
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function prefersOver(candidate: CanonicalEvent, kept: CanonicalEvent): boolean {
  if (candidate === kept) return false;
  if (candidate.occurredAt !== kept.occurredAt) return candidate.occurredAt < kept.occurredAt;
  return sortedJson(candidate) < sortedJson(kept);
}

function sortedJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(',')}}`;
}
