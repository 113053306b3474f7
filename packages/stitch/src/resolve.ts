import type { ClickHouseClient } from '@clickhouse/client';
import { lookupCustomers, readCustomerMembers, readCustomerStates, readKnownIdentities, readThreadIdentifiers } from '@seamline/clickhouse';
import type { KnownIdentities } from '@seamline/journeys';
import type { CanonicalEvent } from '@seamline/schemas';
import { seenKey, unpackCustomer, type CustomerState, type StitchState } from './state.ts';

/** The customers a batch touches, as they were before it, and where each came from. */
export interface Resolved {
  /** The identities before the batch of every customer touched. */
  before: KnownIdentities;
  /** Customers whose state is known: held in memory, or read from customer_state_v1. */
  known: Map<string, CustomerState>;
  /** Those of `known` read from customer_state_v1 (their rows may be ahead of or behind the tables after a crash). */
  fromTable: Set<string>;
  /** Identifiers of customers with no usable state: their events and rows are read from the tables. */
  unknownMembers: string[];
  /** Identifiers of stored events of the batch's tickets and calls that were not held. */
  threadIdentifiers: string[];
}

/**
 * Finds the customers a batch touches, by identifier and by ticket or call, at the least cost:
 * held in memory (no read), proven new by the filter (no read), their state read by key from
 * customer_state_v1, or, for a customer without a state that agrees with identities_v1 (none
 * written yet, or a crash between the two), everything read from the tables as a fallback.
 */
export async function resolveCustomers(
  client: ClickHouseClient,
  state: StitchState,
  events: readonly CanonicalEvent[],
  batchKeys: ReadonlySet<string>,
  mayBeKnown: { keys: ReadonlySet<string>; threads: ReadonlySet<string> },
  modelVersion: string,
): Promise<Resolved> {
  const known = new Map<string, CustomerState>();
  const hold = (customerId: string) => {
    if (known.has(customerId)) return;
    const customer = state.get(customerId);
    if (customer) known.set(customerId, customer);
  };
  const unheldThreads = new Set<string>();
  for (const event of events) {
    const id = event.contactId;
    if (id === undefined) continue;
    const holders = state.holdersOf(id);
    if (holders) for (const customerId of holders) hold(customerId);
    else if (mayBeKnown.threads.has(id)) unheldThreads.add(id);
  }
  const threadEvents = unheldThreads.size === 0 ? [] : events.filter((e) => e.contactId !== undefined && unheldThreads.has(e.contactId));
  const threadIdentifiers = await readThreadIdentifiers(client, threadEvents);

  const unresolved: string[] = [];
  for (const key of new Set([...batchKeys, ...threadIdentifiers])) {
    const customerId = state.customerOf(key);
    if (customerId !== undefined) hold(customerId);
    else if (!batchKeys.has(key) || mayBeKnown.keys.has(key)) unresolved.push(key);
  }

  // Customers not held: their state by key, trusted when its identifiers are exactly those
  // identities_v1 gives them now and it was built with the model in force. A state that lacks
  // one was written before a batch that linked it was cut short (identities first, states last):
  // its inputs lack that identifier's events, so the customer is read from the tables instead.
  const owners = await lookupCustomers(client, unresolved);
  const keysOf = new Map<string, string[]>();
  for (const [key, customerId] of owners) {
    if (known.has(customerId)) continue;
    const keys = keysOf.get(customerId);
    if (keys) keys.push(key);
    else keysOf.set(customerId, [key]);
  }
  const [stored, current] = await Promise.all([readCustomerStates(client, [...keysOf.keys()]), readCustomerMembers(client, [...keysOf.keys()])]);
  const fromTable = new Set<string>();
  const fallback: string[] = [];
  for (const [customerId, keys] of keysOf) {
    const row = stored.get(customerId);
    const members = row && new Set(row.members);
    const now = current.membersOf.get(customerId) ?? [];
    const agrees = members !== undefined && members.size === now.length && now.every((key) => members.has(key));
    if (row && row.modelVersion === modelVersion && agrees && !row.members.some((m) => state.customerOf(m) !== undefined)) {
      known.set(customerId, unpackCustomer({ members: row.members, inputs: row.inputs, rows: row.rowPrints }));
      fromTable.add(customerId);
    } else fallback.push(...keys);
  }
  const read = await readKnownIdentities(client, fallback);
  // A customer read in full may also have a state held or read: the full read wins.
  for (const customerId of read.membersOf.keys()) {
    known.delete(customerId);
    fromTable.delete(customerId);
  }

  const customerOf = new Map(read.customerOf);
  const membersOf = new Map(read.membersOf);
  for (const [customerId, customer] of known) {
    membersOf.set(customerId, customer.members);
    for (const key of customer.members) customerOf.set(key, customerId);
  }
  return {
    before: { customerOf, membersOf },
    known,
    fromTable,
    unknownMembers: [...read.membersOf.values()].flat(),
    threadIdentifiers,
  };
}

/** What may have been stored before the batch; then the batch joins the filter, before any write. */
export function snapshotAndRecord(state: StitchState, events: readonly CanonicalEvent[], batchKeys: ReadonlySet<string>) {
  const threads = new Set(events.flatMap((e) => (e.contactId === undefined ? [] : [e.contactId])));
  const keys = new Set([...batchKeys].filter((key) => state.mayBeStored(seenKey.identifier(key))));
  const threadsMaybe = new Set([...threads].filter((id) => state.mayBeStored(seenKey.thread(id))));
  const linked = new Set(events.filter((e) => state.mayBeStored(seenKey.linked(e.id))).map((e) => e.id));
  for (const key of batchKeys) state.seen.add(seenKey.identifier(key));
  for (const id of threads) state.seen.add(seenKey.thread(id));
  for (const event of events) state.seen.add(seenKey.linked(event.id));
  return { keys, threads: threadsMaybe, linked };
}
