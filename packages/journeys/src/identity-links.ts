import { identifierKeys, type CanonicalEvent } from '@seamline/schemas';
import { customerIdOf, DEFAULT_MAX_IDENTIFIERS, type RefusedLink } from './identity-graph.ts';

/** What the identity tables already know about the customers a batch touches. */
export interface KnownIdentities {
  /** Identifier key -> customer id, for every identifier of the batch already linked. */
  customerOf: ReadonlyMap<string, string>;
  /** Customer id -> all its identifier keys, for every customer in customerOf. */
  membersOf: ReadonlyMap<string, readonly string[]>;
}

/** Two or more customers found to be one, because one event names identifiers of each. */
export interface CustomerMerge {
  eventId: string;
  /** The surviving customer id (derived from the smallest identifier of the merged customer). */
  customerId: string;
  /** The customer ids that existed before and are now part of customerId. */
  mergedCustomerIds: string[];
  identifiers: string[];
}

export interface IdentityUpdate {
  /** Identifier key -> customer id, for every identifier whose customer is new or changed. */
  assignments: Map<string, string>;
  merges: CustomerMerge[];
  refusedLinks: RefusedLink[];
  /** The identities after the batch: every identifier of the batch and of the known customers. */
  after: KnownIdentities;
}

/**
 * Links a batch's identifiers into the customers already known, the incremental twin of
 * buildIdentityGraph: same components, same ids, same guard. Only the customers the batch
 * touches are read and rewritten, so a late link re-stitches history without a rebuild.
 */
export function linkIncrementally(
  orderedEvents: readonly CanonicalEvent[],
  known: KnownIdentities,
  maxIdentifiers = DEFAULT_MAX_IDENTIFIERS,
): IdentityUpdate {
  const customerOf = new Map(known.customerOf);
  const membersOf = new Map<string, string[]>([...known.membersOf].map(([id, keys]) => [id, [...keys]]));
  const merges: CustomerMerge[] = [];
  const refusedLinks: RefusedLink[] = [];

  for (const event of orderedEvents) {
    const keys = identifierKeys(event.customer);
    const existingBefore = new Set<string>();
    for (const key of keys) {
      const customer = customerOf.get(key);
      if (customer !== undefined) existingBefore.add(customer);
      else {
        const singleton = customerIdOf(key);
        customerOf.set(key, singleton);
        membersOf.set(singleton, [key]);
      }
    }
    const customers = [...new Set(keys.map((key) => customerOf.get(key)!))];
    if (customers.length < 2) continue;
    const members = customers.flatMap((id) => membersOf.get(id) ?? []);
    if (members.length > maxIdentifiers) {
      refusedLinks.push({
        eventId: event.id,
        identifiers: keys,
        reason: `linking would make one customer of ${members.length} identifiers (limit ${maxIdentifiers})`,
      });
      continue;
    }
    members.sort();
    const survivor = customerIdOf(members[0]!);
    for (const id of customers) membersOf.delete(id);
    membersOf.set(survivor, members);
    for (const key of members) customerOf.set(key, survivor);
    const merged = customers.filter((id) => existingBefore.has(id) && id !== survivor);
    if (existingBefore.size >= 2 || merged.length > 0) {
      merges.push({ eventId: event.id, customerId: survivor, mergedCustomerIds: [...existingBefore].sort(), identifiers: keys });
    }
  }

  const assignments = new Map<string, string>();
  for (const [key, customer] of customerOf) {
    if (known.customerOf.get(key) !== customer) assignments.set(key, customer);
  }
  return { assignments, merges, refusedLinks, after: { customerOf, membersOf } };
}
