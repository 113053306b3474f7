import type { ClickHouseClient } from '@clickhouse/client';
import { CHANNELS, EVENT_TYPES, type CanonicalEvent } from '@seamline/schemas';
import { z } from 'zod';
import { namedInsert, namedRead } from './named-query.ts';
import { recordTablesWrite } from './tables-state.ts';
import { isoFromClickHouse } from './time.ts';

export const EVENTS_TABLE = 'events_v1';

/** A row of events_v1 as ClickHouse returns it (JSONEachRow). */
export const eventRow = z.object({
  id: z.string(),
  type: z.enum(EVENT_TYPES),
  occurred_at: z.string(),
  source: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  billing_id: z.string().nullable(),
  crm_id: z.string().nullable(),
  source_id: z.string().nullable(),
  contact_id: z.string().nullable(),
  queue: z.string().nullable(),
  agent: z.string().nullable(),
  channel: z.enum(CHANNELS),
  direction: z.enum(['inbound', 'outbound']),
  reason: z.string().nullable(),
  attributes: z.record(z.string(), z.string()),
});
export type EventRow = z.infer<typeof eventRow>;

const COLUMNS = Object.keys(eventRow.shape).join(', ');
const ROW_COLUMNS = Object.keys(eventRow.shape) as Array<keyof EventRow>;
const INSERT_COLUMNS: [string, ...string[]] = ['version', ...ROW_COLUMNS];
/** An event as written: its version (eventVersion), then the row's columns in order. */
type EventInsertRow = [version: number, ...values: EventRow[keyof EventRow][]];

export function toEventRow(event: CanonicalEvent): EventRow {
  return {
    id: event.id,
    type: event.type,
    occurred_at: event.occurredAt,
    source: event.source,
    email: event.customer.email ?? null,
    phone: event.customer.phone ?? null,
    billing_id: event.customer.billingId ?? null,
    crm_id: event.customer.crmId ?? null,
    source_id: event.customer.sourceId ?? null,
    contact_id: event.contactId ?? null,
    queue: event.queue ?? null,
    agent: event.agent ?? null,
    channel: event.channel,
    direction: event.direction,
    reason: event.reason ?? null,
    attributes: event.attributes ?? {},
  };
}


export function fromEventRow(row: EventRow): CanonicalEvent {
  const customer: CanonicalEvent['customer'] = {};
  if (row.email !== null) customer.email = row.email;
  if (row.phone !== null) customer.phone = row.phone;
  if (row.billing_id !== null) customer.billingId = row.billing_id;
  if (row.crm_id !== null) customer.crmId = row.crm_id;
  if (row.source_id !== null) customer.sourceId = row.source_id;
  const event: CanonicalEvent = {
    id: row.id,
    type: row.type,
    occurredAt: isoFromClickHouse(row.occurred_at),
    source: row.source,
    customer,
    channel: row.channel,
    direction: row.direction,
  };
  if (row.contact_id !== null) event.contactId = row.contact_id;
  if (row.queue !== null) event.queue = row.queue;
  if (row.agent !== null) event.agent = row.agent;
  if (row.reason !== null) event.reason = row.reason;
  if (Object.keys(row.attributes).length > 0) event.attributes = row.attributes;
  return event;
}

export interface StoreResult {
  /** Events written now (new ids, or newer copies of stored ones), in input order. */
  stored: CanonicalEvent[];
  /** Events whose id was already stored in the same or a newer copy, or repeated within the batch. */
  duplicates: number;
}

/** Attribute through which sources that update records say when (SOURCE_UPDATED_AT in @seamline/sources). */
export const SOURCE_UPDATED_AT = 'sourceUpdatedAt';

/** The copy's version: when its source last updated the record, in ms; 0 when it does not say. */
export function eventVersion(event: CanonicalEvent): number {
  const updatedAt = event.attributes?.[SOURCE_UPDATED_AT];
  const ms = updatedAt === undefined ? NaN : Date.parse(updatedAt);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

/** The newest stored version of each of these ids that is stored (by the sort key: cheap). */
async function storedVersions(client: ClickHouseClient, ids: readonly string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await namedRead(
    client,
    'events.stored-versions',
    `SELECT id, max(version) AS version FROM ${EVENTS_TABLE} WHERE id IN {ids:Array(String)} GROUP BY id`,
    { ids },
    z.object({ id: z.string(), version: z.coerce.number() }),
  );
  return new Map(rows.map((row) => [row.id, row.version]));
}

/** One copy per id, the one storeNewEvents writes: the first of the highest version. */
export function newestCopies(events: Iterable<CanonicalEvent>): Map<string, CanonicalEvent> {
  const newestById = new Map<string, CanonicalEvent>();
  for (const event of events) {
    const seen = newestById.get(event.id);
    if (!seen || eventVersion(event) > eventVersion(seen)) newestById.set(event.id, event);
  }
  return newestById;
}

/**
 * Which of these events to write: those whose id is not stored yet, or whose copy is newer than
 * the stored one (a read only). Checking before writing makes a redelivered batch (after a crash
 * between the insert and the offset commit) a no-op instead of a second copy.
 */
export async function findNewEvents(
  client: ClickHouseClient,
  events: readonly CanonicalEvent[],
  options: {
    /** False for ids known to have no stored copy (the stitcher's filter): those are not looked up. */
    mayBeStored?: (id: string) => boolean;
  } = {},
): Promise<StoreResult> {
  const newestById = newestCopies(events);
  let duplicates = events.length - newestById.size;
  if (newestById.size === 0) return { stored: [], duplicates };
  const ids = [...newestById.keys()];
  for (const [id, version] of await storedVersions(client, options.mayBeStored ? ids.filter(options.mayBeStored) : ids)) {
    const candidate = newestById.get(id);
    if (candidate && eventVersion(candidate) <= version) {
      newestById.delete(id);
      duplicates += 1;
    }
  }
  return { stored: [...newestById.values()], duplicates };
}

/** Writes events findNewEvents chose, and records the write (see recordTablesWrite). */
export async function insertEvents(client: ClickHouseClient, events: readonly CanonicalEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Rows as arrays in column order: about a fifth cheaper to encode and parse than objects
  // (measured against JSONEachRow and TabSeparated, see bench/README.md).
  const rows = events.map((event): EventInsertRow => {
    const row = toEventRow(event);
    return [eventVersion(event), ...ROW_COLUMNS.map((column) => row[column])];
  });
  await namedInsert(client, 'events.insert', EVENTS_TABLE, rows, INSERT_COLUMNS);
  let latest = events[0]!.occurredAt;
  for (const event of events) if (event.occurredAt > latest) latest = event.occurredAt;
  await recordTablesWrite(client, latest);
}

/** Writes the events that are new (findNewEvents, then insertEvents). */
export async function storeNewEvents(
  client: ClickHouseClient,
  events: readonly CanonicalEvent[],
  options: Parameters<typeof findNewEvents>[2] = {},
): Promise<StoreResult> {
  const result = await findNewEvents(client, events, options);
  await insertEvents(client, result.stored);
  return result;
}

/** Every stored event, each id once. */
export async function readAllEvents(client: ClickHouseClient): Promise<CanonicalEvent[]> {
  const rows = await namedRead(client, 'events.all', `SELECT ${COLUMNS} FROM ${EVENTS_TABLE} FINAL`, {}, eventRow);
  return rows.map(fromEventRow);
}

export async function countEvents(client: ClickHouseClient): Promise<{ rows: number; ids: number }> {
  const [row] = await namedRead(
    client,
    'events.count',
    `SELECT count() AS rows, uniqExact(id) AS ids FROM ${EVENTS_TABLE}`,
    {},
    z.object({ rows: z.coerce.number(), ids: z.coerce.number() }),
  );
  return { rows: row?.rows ?? 0, ids: row?.ids ?? 0 };
}

export interface QueueUsage {
  queue: string;
  events: number;
  lastSeen: string;
}

/** Every queue named by stored events, with how often and when last (for finding unmapped ones). */
export async function queueUsage(client: ClickHouseClient): Promise<QueueUsage[]> {
  const rows = await namedRead(
    client,
    'events.queue-usage',
    `SELECT queue, count() AS events, max(occurred_at) AS last_seen
     FROM ${EVENTS_TABLE} FINAL WHERE queue IS NOT NULL GROUP BY queue ORDER BY events DESC, queue`,
    {},
    z.object({ queue: z.string(), events: z.coerce.number(), last_seen: z.string() }),
  );
  return rows.map((r) => ({ queue: r.queue, events: r.events, lastSeen: isoFromClickHouse(r.last_seen) }));
}

/** Identifier keys ("kind:value") grouped by the column that holds them. */
function byColumn(identifiers: readonly string[]) {
  const columns = { email: [] as string[], phone: [] as string[], billingId: [] as string[], crmId: [] as string[], sourceId: [] as string[] };
  for (const key of identifiers) {
    const colon = key.indexOf(':');
    const kind = key.slice(0, colon) as keyof typeof columns;
    columns[kind]?.push(key.slice(colon + 1));
  }
  return columns;
}

const versionedEventRow = eventRow.extend({ version: z.coerce.number() });

const IDENTIFIER_COLUMNS = { email: 'email', phone: 'phone', billingId: 'billing_id', crmId: 'crm_id', sourceId: 'source_id' } as const;

/**
 * The stored events matching any of these `column IN set` conditions, each id in its newest
 * copy, as FINAL would give them: the matching rows are read without FINAL (FINAL would read
 * every granule in their key ranges, all columns), then a copy counts only if no newer copy of
 * its id is stored (a newer copy that does not match means the event no longer matches).
 */
async function readEventsWhereAny(client: ClickHouseClient, sets: ReadonlyArray<readonly [column: string, values: readonly string[]]>): Promise<CanonicalEvent[]> {
  // One branch per column: ClickHouse uses each column's skip index for its branch, where an
  // OR across columns would read nearly every granule.
  const branches = sets.filter(([, values]) => values.length > 0);
  if (branches.length === 0) return [];
  const rows = await namedRead(
    client,
    'events.where-any',
    branches.map(([column], i) => `SELECT ${COLUMNS}, version FROM ${EVENTS_TABLE} WHERE ${column} IN {v${i}:Array(String)}`).join('\nUNION ALL\n'),
    Object.fromEntries(branches.map(([, values], i) => [`v${i}`, values])),
    versionedEventRow,
  );
  const newest = new Map<string, { event: CanonicalEvent; version: number }>();
  for (const { version, ...row } of rows) {
    const event = fromEventRow(row);
    const kept = newest.get(event.id);
    if (!kept || version > kept.version) newest.set(event.id, { event, version });
  }
  const stored = await storedVersions(client, [...newest.keys()]);
  return [...newest.values()].filter(({ event, version }) => version >= (stored.get(event.id) ?? 0)).map(({ event }) => event);
}

/**
 * Every stored event of these customers: the events naming any of their identifiers, and the
 * events of the same tickets and calls (a transfer may carry another identifier than its call).
 */
export async function readCustomersEvents(client: ClickHouseClient, identifiers: readonly string[]): Promise<CanonicalEvent[]> {
  if (identifiers.length === 0) return [];
  const c = byColumn(identifiers);
  const named = await readEventsWhereAny(
    client,
    (Object.keys(IDENTIFIER_COLUMNS) as Array<keyof typeof IDENTIFIER_COLUMNS>).map((kind) => [IDENTIFIER_COLUMNS[kind], c[kind]] as const),
  );
  const threads = [...new Set(named.flatMap((event) => (event.contactId === undefined ? [] : [event.contactId])))];
  const known = new Set(named.map((event) => event.id));
  const more = (await readEventsWhereAny(client, [['contact_id', threads]])).filter((event) => !known.has(event.id));
  return [...named, ...more];
}

const threadIdentifiersRow = eventRow.pick({ source: true, contact_id: true, email: true, phone: true, billing_id: true, crm_id: true, source_id: true });

/**
 * The identifier keys of the stored events of the batch's tickets and calls (same source and
 * contact id): whom the tickets and calls already name.
 */
export async function readThreadIdentifiers(client: ClickHouseClient, batch: readonly CanonicalEvent[]): Promise<string[]> {
  const threads = batch.filter((e) => e.contactId !== undefined);
  if (threads.length === 0) return [];
  const rows = await namedRead(
    client,
    'events.thread-identifiers',
    `SELECT DISTINCT source, contact_id, email, phone, billing_id, crm_id, source_id FROM ${EVENTS_TABLE}
     WHERE contact_id IN {ids:Array(String)}`,
    { ids: [...new Set(threads.map((t) => t.contactId!))] },
    threadIdentifiersRow,
  );
  const wanted = new Set(threads.map((t) => `${t.source}\u0000${t.contactId}`));
  const keys = new Set<string>();
  for (const row of rows) {
    if (!wanted.has(`${row.source}\u0000${row.contact_id}`)) continue;
    if (row.email !== null) keys.add(`email:${row.email}`);
    if (row.phone !== null) keys.add(`phone:${row.phone}`);
    if (row.billing_id !== null) keys.add(`billingId:${row.billing_id}`);
    if (row.crm_id !== null) keys.add(`crmId:${row.crm_id}`);
    if (row.source_id !== null) keys.add(`sourceId:${row.source_id}`);
  }
  return [...keys];
}
