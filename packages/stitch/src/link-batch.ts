import type { ClickHouseClient } from '@clickhouse/client';
import {
  journeyRows,
  newestCopies,
  readCustomersEvents,
  storedJourneyKeys,
  writeCustomerStates,
  writeIdentityUpdate,
  writeJourneyRows,
  type GoneRow,
  type JourneyRows,
} from '@seamline/clickhouse';
import { buildJourneys, linkIncrementally, orderEvents, type OrgMap } from '@seamline/journeys';
import { identifierKeys, type CanonicalEvent } from '@seamline/schemas';
import { inputsOfCustomers, rowFingerprint, rowKey } from './customer-inputs.ts';
import { resolveCustomers, snapshotAndRecord } from './resolve.ts';
import { packCustomer, type HeldCustomer, type StitchState } from './state.ts';

/** Rows hold what all stored events say; the metric API applies its asOf to maturity. */
export const ALL_EVENTS = new Date('9999-12-31T00:00:00Z');

export interface LinkSettings {
  orgMap: () => OrgMap;
  repeatWindowMs: number;
  billingWindowMs: number;
  maxIdentifiers: number;
  modelVersion: () => string;
}

/** A batch linked in memory: what it writes, in order, once the batch before it is written. */
export interface PreparedLink {
  write(): Promise<void>;
}

/**
 * Links a batch's identifiers into customers and brings contacts_v2, journeys_v2 and
 * handoffs_v2 up to date for every customer the batch touches (prepareLink, then its write).
 */
export async function linkBatch(client: ClickHouseClient, state: StitchState, events: readonly CanonicalEvent[], settings: LinkSettings): Promise<void> {
  await (await prepareLink(client, client, state, events, settings)).write();
}

/**
 * Computes what a batch changes, from the stitcher's state: customers held in memory cost no
 * read, and a key the filter proves new has nothing to read. Only what is neither is read from
 * ClickHouse, through `reader` (a customer not touched for long, a restart). Only rows that
 * changed are written, with delete markers for rows that went away.
 *
 * The state takes the batch's customers as soon as they are computed, so the next batch can be
 * prepared while this one is written: the state runs at most one batch ahead of ClickHouse, and
 * in a pipeline `reader` makes the next batch's reads wait for this one's writes. Nothing is
 * written from a state ClickHouse does not hold: a failure here or in the write makes the state
 * forget its customers, and the batch after it fails too (see the processor's pipeline).
 */
export async function prepareLink(
  client: ClickHouseClient,
  reader: ClickHouseClient,
  state: StitchState,
  events: readonly CanonicalEvent[],
  settings: LinkSettings,
): Promise<PreparedLink> {
  const forgetOnFailure = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      state.forgetCustomers();
      throw error;
    }
  };
  const writes = await forgetOnFailure(() => prepare(reader, state, events, settings));
  return { write: () => forgetOnFailure(() => writes(client)) };
}

async function prepare(
  client: ClickHouseClient,
  state: StitchState,
  events: readonly CanonicalEvent[],
  settings: LinkSettings,
): Promise<(client: ClickHouseClient) => Promise<void>> {
  const modelVersion = settings.modelVersion();
  const batchKeys = new Set(events.flatMap((e) => identifierKeys(e.customer)));
  const mayBe = snapshotAndRecord(state, events, batchKeys);
  const { before, known, fromTable, unknownMembers, threadIdentifiers } = await resolveCustomers(client, state, events, batchKeys, mayBe, modelVersion);

  const update = linkIncrementally(orderEvents(events), before, settings.maxIdentifiers);

  // The customers as they are now, and what they were made of.
  const touched = new Set<string>();
  for (const key of [...batchKeys, ...threadIdentifiers, ...before.customerOf.keys()]) {
    const customerId = update.after.customerOf.get(key);
    if (customerId !== undefined) touched.add(customerId);
  }
  const pool = newestCopies([...[...known.values()].flatMap((c) => c.inputs), ...(await readCustomersEvents(client, unknownMembers)), ...events]);
  const model = buildJourneys(pool.values(), settings.orgMap(), {
    asOf: ALL_EVENTS,
    repeatWindowMs: settings.repeatWindowMs,
    billingWindowMs: settings.billingWindowMs,
    maxIdentifiers: settings.maxIdentifiers,
  });
  const computedAt = new Date();
  const rows = journeyRows(
    model.customers.filter((c) => touched.has(c.customerId)),
    modelVersion,
    settings.repeatWindowMs,
    computedAt,
  );
  const inputs = inputsOfCustomers(pool.values(), touched, update.after);

  // Per customer: the rows it had (its parts' fingerprints) decide what to write, unless a part
  // had no known state, or a contact may have rows this state never saw, or a part read from
  // customer_state_v1 meets an event that may have been linked before (a batch redelivered
  // after a crash: that state may be behind or ahead of the tables).
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
  const gone = { journeys: [] as GoneRow[], handoffs: [] as GoneRow[] };
  const fingerprints = new Map<string, Map<string, number>>();
  const uncertain = { customerIds: new Set<string>(), contactEventIds: [] as string[] };
  const everyKeyNow = new Set<string>();
  for (const customerId of touched) {
    const parts = [...partsOf.get(customerId)!];
    const previous = new Map<string, number>();
    for (const part of parts) for (const [key, fp] of known.get(part)?.rows ?? []) previous.set(key, fp);
    const own = rowsOf.get(customerId) ?? { contacts: [], journeys: [], handoffs: [] };
    const unknownParts = parts.filter((part) => !known.has(part));
    const certain =
      unknownParts.length === 0 &&
      !own.contacts.some((row) => !previous.has(rowKey.contact(row)) && mayBe.linked.has(row.event_id)) &&
      !(parts.some((part) => fromTable.has(part)) && (inputs.get(customerId) ?? []).some((e) => mayBe.linked.has(e.id)));
    if (!certain) {
      for (const part of parts) if (!known.has(part) || fromTable.has(part)) uncertain.customerIds.add(part);
      for (const row of own.contacts) uncertain.contactEventIds.push(row.event_id);
    }
    const now = new Map<string, number>();
    const take = <R extends object>(list: readonly R[], into: R[], key: (row: R) => string) => {
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
      if (key.startsWith(rowKey.JOURNEY)) gone.journeys.push(rowKey.gone(rowKey.JOURNEY, key));
      else if (key.startsWith(rowKey.HANDOFF)) gone.handoffs.push(rowKey.gone(rowKey.HANDOFF, key));
    }
    fingerprints.set(customerId, now);
  }
  if (uncertain.customerIds.size > 0 || uncertain.contactEventIds.length > 0) {
    const stored = await storedJourneyKeys(client, { customerIds: [...uncertain.customerIds], contactEventIds: uncertain.contactEventIds });
    gone.journeys.push(...stored.journeys.filter((row) => !everyKeyNow.has(rowKey.ofGone(rowKey.JOURNEY, row))));
    gone.handoffs.push(...stored.handoffs.filter((row) => !everyKeyNow.has(rowKey.ofGone(rowKey.HANDOFF, row))));
  }
  const once = (rows: GoneRow[]) => [...new Map(rows.map((row) => [`${row.id}\u0000${row.start}`, row])).values()];
  const goneIds = { journeys: once(gone.journeys), handoffs: once(gone.handoffs) };

  // Then the customers' states, written last: a batch cut short before them finds the older
  // states, and its redelivery rewrites these customers' rows in full.
  const held = new Map<string, HeldCustomer>();
  for (const customerId of touched) {
    held.set(customerId, packCustomer({ members: update.after.membersOf.get(customerId) ?? [], inputs: inputs.get(customerId) ?? [], rows: fingerprints.get(customerId)! }));
  }
  const mergedAway = [...new Set([...partsOf.values()].flatMap((parts) => [...parts]))].filter((part) => !touched.has(part));
  for (const part of mergedAway) state.remove(part);
  for (const [customerId, h] of held) state.put(customerId, h);

  return async (client) => {
    await writeIdentityUpdate(client, update);
    await writeJourneyRows(client, modelVersion, write, goneIds, computedAt);
    await writeCustomerStates(
      client,
      [...held].map(([customerId, h]) => ({ customerId, members: [...h.members], inputs: h.inputs, inputCount: h.inputCount, rowPrints: h.rows, modelVersion })),
      mergedAway,
      computedAt,
    );
  };
}

function groupRows(rows: JourneyRows): Map<string, JourneyRows> {
  const byCustomer = new Map<string, JourneyRows>();
  const of = (row: { customer_id: string }) => {
    const customerId = row.customer_id;
    let own = byCustomer.get(customerId);
    if (!own) byCustomer.set(customerId, (own = { contacts: [], journeys: [], handoffs: [] }));
    return own;
  };
  for (const row of rows.contacts) of(row).contacts.push(row);
  for (const row of rows.journeys) of(row).journeys.push(row);
  for (const row of rows.handoffs) of(row).handoffs.push(row);
  return byCustomer;
}
