import type { ClickHouseClient } from '@clickhouse/client';
import {
  journeyRows,
  newestCopies,
  readCustomersEvents,
  readKnownIdentities,
  readThreadHistory,
  storedJourneyKeys,
  writeIdentityUpdate,
  writeJourneyRows,
  type JourneyRows,
} from '@seamline/clickhouse';
import { buildJourneys, linkIncrementally, orderEvents, type KnownIdentities, type OrgMap } from '@seamline/journeys';
import { identifierKeys, type CanonicalEvent } from '@seamline/schemas';
import { inputsOfCustomers, rowFingerprint, rowKey } from './customer-inputs.ts';
import { seenKey, type CustomerState, type StitchState } from './state.ts';

/** Rows hold what all stored events say; the metric API applies its asOf to maturity. */
export const ALL_EVENTS = new Date('9999-12-31T00:00:00Z');

export interface LinkSettings {
  orgMap: () => OrgMap;
  repeatWindowMs: number;
  billingWindowMs: number;
  maxIdentifiers: number;
  modelVersion: () => string;
}

type Row = Record<string, unknown>;

/**
 * Links a batch's identifiers into customers and brings contacts_v1, journeys_v1 and
 * handoffs_v1 up to date for every customer the batch touches, from the stitcher's state:
 * customers held in memory cost no read, and a key the filter proves new has nothing to read.
 * Only what is neither is read from ClickHouse (a customer not touched for long, a restart).
 * Only rows that changed are written, with delete markers for rows that went away. The state
 * changes only after ClickHouse acknowledged every write; on a failure it forgets its customers.
 */
export async function linkBatch(client: ClickHouseClient, state: StitchState, events: readonly CanonicalEvent[], settings: LinkSettings): Promise<void> {
  try {
    await link(client, state, events, settings);
  } catch (error) {
    state.forgetCustomers();
    throw error;
  }
}

async function link(client: ClickHouseClient, state: StitchState, events: readonly CanonicalEvent[], settings: LinkSettings): Promise<void> {
  // What may have been stored before this batch; then the batch's keys join the filter, before
  // any write, so that the filter holds at least everything stored whatever happens next.
  const batchKeys = new Set(events.flatMap((e) => identifierKeys(e.customer)));
  const batchThreads = new Set(events.flatMap((e) => (e.contactId === undefined ? [] : [e.contactId])));
  const keyMayBeKnown = new Set([...batchKeys].filter((key) => state.mayBeStored(seenKey.identifier(key))));
  const threadMayBeKnown = new Set([...batchThreads].filter((id) => state.mayBeStored(seenKey.thread(id))));
  const mayBeLinked = new Set(events.filter((e) => state.mayBeStored(seenKey.linked(e.id))).map((e) => e.id));
  for (const key of batchKeys) state.seen.add(seenKey.identifier(key));
  for (const id of batchThreads) state.seen.add(seenKey.thread(id));
  for (const event of events) state.seen.add(seenKey.linked(event.id));

  // The customers held in memory that the batch touches: by identifier, or by ticket or call.
  const held = new Map<string, CustomerState>();
  const hold = (customerId: string) => {
    if (held.has(customerId)) return;
    const customer = state.get(customerId);
    if (customer) held.set(customerId, customer);
  };
  const unheldThreads: string[] = [];
  for (const id of batchThreads) {
    const holders = state.holdersOf(id);
    if (holders) for (const customerId of holders) hold(customerId);
    else if (threadMayBeKnown.has(id)) unheldThreads.push(id);
  }
  const unheld = new Set(unheldThreads);
  const threadEvents = unheld.size === 0 ? [] : events.filter((e) => e.contactId !== undefined && unheld.has(e.contactId));
  const storedThreads = await readThreadHistory(client, threadEvents);
  const unresolved: string[] = [];
  for (const key of new Set([...batchKeys, ...storedThreads.identifiers])) {
    const customerId = state.customerOf(key);
    if (customerId !== undefined) hold(customerId);
    else if (!batchKeys.has(key) || keyMayBeKnown.has(key)) unresolved.push(key);
  }
  const read = await readKnownIdentities(client, unresolved);
  const before = knownBefore(held, read);

  const update = linkIncrementally(orderEvents(events), before, settings.maxIdentifiers);
  await writeIdentityUpdate(client, update);

  // The customers as they are now, and what they were made of.
  const touched = new Set<string>();
  for (const key of [...batchKeys, ...storedThreads.identifiers, ...before.customerOf.keys()]) {
    const customerId = update.after.customerOf.get(key);
    if (customerId !== undefined) touched.add(customerId);
  }
  const readMembers = [...read.membersOf.values()].flat();
  const pool = newestCopies([...[...held.values()].flatMap((c) => c.inputs), ...(await readCustomersEvents(client, readMembers)), ...events]);
  const model = buildJourneys(pool.values(), settings.orgMap(), {
    asOf: ALL_EVENTS,
    repeatWindowMs: settings.repeatWindowMs,
    billingWindowMs: settings.billingWindowMs,
    maxIdentifiers: settings.maxIdentifiers,
  });
  const computedAt = new Date();
  const rows = journeyRows(
    model.customers.filter((c) => touched.has(c.customerId)),
    settings.modelVersion(),
    settings.repeatWindowMs,
    computedAt,
  );

  // Per customer: the rows held before (its parts' fingerprints) decide what to write, unless a
  // part was read from ClickHouse or a contact may have rows this state never saw.
  const rowsOf = groupRows(rows);
  const partsOf = new Map<string, Set<string>>();
  for (const customerId of touched) {
    const parts = new Set<string>();
    for (const key of update.after.membersOf.get(customerId) ?? []) {
      const part = before.customerOf.get(key);
      if (part !== undefined) parts.add(part);
    }
    partsOf.set(customerId, parts);
  }
  const write: JourneyRows = { contacts: [], journeys: [], handoffs: [] };
  const gone = { journeys: [] as string[], handoffs: [] as string[] };
  const fingerprints = new Map<string, Map<string, number>>();
  const uncertain = { customerIds: new Set<string>(), contactEventIds: [] as string[] };
  const everyKeyNow = new Set<string>();
  for (const customerId of touched) {
    const parts = [...partsOf.get(customerId)!];
    const previous = new Map<string, number>();
    for (const part of parts) for (const [key, fp] of held.get(part)?.rows ?? []) previous.set(key, fp);
    const own = rowsOf.get(customerId) ?? { contacts: [], journeys: [], handoffs: [] };
    const unheldParts = parts.filter((part) => !held.has(part));
    const unsure = own.contacts.filter((row) => !previous.has(rowKey.contact(row)) && mayBeLinked.has(row.event_id as string));
    const certain = unheldParts.length === 0 && unsure.length === 0;
    if (!certain) {
      for (const part of unheldParts) uncertain.customerIds.add(part);
      for (const row of own.contacts) uncertain.contactEventIds.push(row.event_id as string);
    }
    const now = new Map<string, number>();
    const take = (list: Row[], into: Row[], key: (row: Row) => string) => {
      for (const row of list) {
        const k = key(row);
        const fp = rowFingerprint(row);
        now.set(k, fp);
        everyKeyNow.add(k);
        if (!certain || previous.get(k) !== fp) into.push(row);
      }
    };
    take(own.contacts, write.contacts, rowKey.contact);
    take(own.journeys, write.journeys, rowKey.journey);
    take(own.handoffs, write.handoffs, rowKey.handoff);
    for (const key of previous.keys()) {
      if (now.has(key)) continue;
      if (key.startsWith(rowKey.JOURNEY)) gone.journeys.push(key.slice(rowKey.JOURNEY.length));
      else if (key.startsWith(rowKey.HANDOFF)) gone.handoffs.push(key.slice(rowKey.HANDOFF.length));
    }
    fingerprints.set(customerId, now);
  }
  if (uncertain.customerIds.size > 0 || uncertain.contactEventIds.length > 0) {
    const stored = await storedJourneyKeys(client, { customerIds: [...uncertain.customerIds], contactEventIds: uncertain.contactEventIds });
    gone.journeys.push(...stored.journeys.filter((id) => !everyKeyNow.has(rowKey.JOURNEY + id)));
    gone.handoffs.push(...stored.handoffs.filter((id) => !everyKeyNow.has(rowKey.HANDOFF + id)));
  }
  await writeJourneyRows(client, write, { journeys: [...new Set(gone.journeys)], handoffs: [...new Set(gone.handoffs)] }, computedAt);

  // Acknowledged: the state follows. Parts merged into another customer are gone.
  const inputs = inputsOfCustomers(pool.values(), touched, update.after);
  for (const parts of partsOf.values()) for (const part of parts) if (!touched.has(part)) state.remove(part);
  for (const customerId of touched) {
    state.put(customerId, {
      members: update.after.membersOf.get(customerId) ?? [],
      inputs: inputs.get(customerId) ?? [],
      rows: fingerprints.get(customerId)!,
    });
  }
}

/** The identities before the batch: of the customers held, and of those read. */
function knownBefore(held: ReadonlyMap<string, CustomerState>, read: KnownIdentities): KnownIdentities {
  const customerOf = new Map(read.customerOf);
  const membersOf = new Map(read.membersOf);
  for (const [customerId, customer] of held) {
    membersOf.set(customerId, customer.members);
    for (const key of customer.members) customerOf.set(key, customerId);
  }
  return { customerOf, membersOf };
}

function groupRows(rows: JourneyRows): Map<string, JourneyRows> {
  const byCustomer = new Map<string, JourneyRows>();
  const of = (row: Row) => {
    const customerId = row.customer_id as string;
    let own = byCustomer.get(customerId);
    if (!own) byCustomer.set(customerId, (own = { contacts: [], journeys: [], handoffs: [] }));
    return own;
  };
  for (const row of rows.contacts) of(row).contacts.push(row);
  for (const row of rows.journeys) of(row).journeys.push(row);
  for (const row of rows.handoffs) of(row).handoffs.push(row);
  return byCustomer;
}
