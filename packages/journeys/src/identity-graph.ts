import { JOURNEY_DEFAULTS } from '@seamline/config';
import {
  IDENTIFIER_KINDS,
  identifierKey,
  identifierKeys,
  type CanonicalEvent,
  type IdentifierKind,
} from '@seamline/schemas';
import { orderEvents } from './events.ts';
import { stableId } from './ids.ts';

/** The over-merging guard unless SEAMLINE_MAX_IDENTIFIERS says otherwise (docs/events.md). */
export const DEFAULT_MAX_IDENTIFIERS: number = JOURNEY_DEFAULTS.maxIdentifiers;

/** A link the over-merging guard refused, kept for a person to review (docs/events.md). */
export interface RefusedLink {
  eventId: string;
  /** The identifier keys of the event, e.g. ["email:a@x.com", "phone:+4911111111"]. */
  identifiers: string[];
  reason: string;
}

export interface IdentityGraphOptions {
  /** A link that would make one customer of more identifiers than this is refused. */
  maxIdentifiers?: number;
}

export interface IdentityGraph {
  /** Customer id -> its identifier keys, sorted. */
  readonly customers: ReadonlyMap<string, readonly string[]>;
  readonly refusedLinks: readonly RefusedLink[];
  /** The customer an identifier key belongs to; a key the graph never saw is a customer of its own. */
  customerOfIdentifier(key: string): string;
  /**
   * The customer an event belongs to: that of its first identifier, in the order email, phone,
   * billingId, crmId, sourceId. When all of an event's links were made, every identifier gives the same
   * answer; when they were refused, the first identifier decides, so the choice is deterministic.
   */
  customerOfEvent(event: CanonicalEvent): string;
}

/** The stable customer id: derived from the smallest identifier key of the component. */
export function customerIdOf(smallestIdentifier: string): string {
  return stableId('cust', smallestIdentifier);
}

/**
 * Union-find over identifiers, by index; union by size so `find` stays near-constant.
 * Looked up per kind by the raw value: the values are strings of the event objects, whose
 * hashes the engine caches, while a "kind:value" key would be a new string at every event.
 */
class DisjointSets {
  readonly keys: string[] = [];
  readonly size: number[] = [];
  private readonly parent: number[] = [];
  private readonly indexOf = new Map<IdentifierKind, Map<string, number>>(
    IDENTIFIER_KINDS.map((kind) => [kind, new Map()]),
  );

  add(kind: IdentifierKind, value: string): number {
    const byValue = this.indexOf.get(kind)!;
    const known = byValue.get(value);
    if (known !== undefined) return known;
    const index = this.keys.length;
    this.keys.push(identifierKey(kind, value));
    byValue.set(value, index);
    this.parent.push(index);
    this.size.push(1);
    return index;
  }

  index(kind: IdentifierKind, value: string): number | undefined {
    return this.indexOf.get(kind)!.get(value);
  }

  find(index: number): number {
    let node = index;
    while (this.parent[node] !== node) {
      const grandparent = this.parent[this.parent[node]!]!;
      this.parent[node] = grandparent;
      node = grandparent;
    }
    return node;
  }

  union(a: number, b: number): void {
    let rootA = this.find(a);
    let rootB = this.find(b);
    if (rootA === rootB) return;
    if (this.size[rootA]! < this.size[rootB]!) [rootA, rootB] = [rootB, rootA];
    this.parent[rootB] = rootA;
    this.size[rootA]! += this.size[rootB]!;
  }
}

/**
 * docs/metrics.md "Customer": connected components of identifiers that occur together in one event, over
 * every event given (also those at or after asOf). The over-merging guard makes the result
 * depend on the order links are learnt, so events are processed in (occurredAt, id) order,
 * never in arrival order. An event's links are made all together or not at all: an event
 * whose identifiers would form a customer of more than `maxIdentifiers` links nothing, is
 * recorded, and still belongs to the customer of its first identifier.
 */
export function buildIdentityGraph(
  events: Iterable<CanonicalEvent>,
  options: IdentityGraphOptions = {},
): IdentityGraph {
  return linkIdentities(orderEvents(events), options);
}

/** buildIdentityGraph for events already deduplicated and in (occurredAt, id) order. */
export function linkIdentities(
  orderedEvents: readonly CanonicalEvent[],
  options: IdentityGraphOptions = {},
): IdentityGraph {
  const maxIdentifiers = options.maxIdentifiers ?? DEFAULT_MAX_IDENTIFIERS;
  const sets = new DisjointSets();
  const refusedLinks: RefusedLink[] = [];
  const roots: number[] = [];
  for (const event of orderedEvents) {
    roots.length = 0;
    let merged = 0;
    for (const kind of IDENTIFIER_KINDS) {
      const value = event.customer[kind];
      if (value === undefined) continue;
      const root = sets.find(sets.add(kind, value));
      if (roots.includes(root)) continue;
      roots.push(root);
      merged += sets.size[root]!;
    }
    if (roots.length < 2) continue;
    if (merged > maxIdentifiers) {
      refusedLinks.push({
        eventId: event.id,
        identifiers: identifierKeys(event.customer),
        reason: `linking would make one customer of ${merged} identifiers (limit ${maxIdentifiers})`,
      });
      continue;
    }
    for (const root of roots) sets.union(roots[0]!, root);
  }
  return toGraph(sets, refusedLinks);
}

function toGraph(sets: DisjointSets, refusedLinks: RefusedLink[]): IdentityGraph {
  const membersByRoot = new Map<number, string[]>();
  sets.keys.forEach((key, index) => {
    const root = sets.find(index);
    const members = membersByRoot.get(root);
    if (members) members.push(key);
    else membersByRoot.set(root, [key]);
  });
  const customers = new Map<string, readonly string[]>();
  const customerByRoot = new Map<number, string>();
  for (const [root, members] of membersByRoot) {
    members.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const customerId = customerIdOf(members[0]!);
    customers.set(customerId, members);
    customerByRoot.set(root, customerId);
  }
  const customerOf = (kind: IdentifierKind, value: string): string => {
    const index = sets.index(kind, value);
    return index === undefined ? customerIdOf(identifierKey(kind, value)) : customerByRoot.get(sets.find(index))!;
  };
  return {
    customers,
    refusedLinks,
    customerOfIdentifier(key) {
      const colon = key.indexOf(':');
      const kind = key.slice(0, colon) as IdentifierKind;
      return IDENTIFIER_KINDS.includes(kind) ? customerOf(kind, key.slice(colon + 1)) : customerIdOf(key);
    },
    customerOfEvent(event) {
      for (const kind of IDENTIFIER_KINDS) {
        const value = event.customer[kind];
        if (value !== undefined) return customerOf(kind, value);
      }
      throw new Error(`event ${event.id} has no customer identifier`);
    },
  };
}
