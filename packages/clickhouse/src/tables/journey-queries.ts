import type { ClickHouseClient } from '@clickhouse/client';
import { identifierKeys, type CanonicalEvent } from '@seamline/schemas';
import { z } from 'zod';
import { readCustomersEvents } from './events.ts';
import { IDENTITIES_TABLE } from './identities.ts';
import { CONTACTS_TABLE, CURRENT_ROWS, HANDOFFS_TABLE, JOURNEYS_TABLE } from './journey-tables.ts';
import { namedRead } from './named-query.ts';

// Reads of contacts_v2, journeys_v2 and handoffs_v2 behind the team and journey pages of the
// metric API and the alerts' digest. Instants go in and come out as epoch milliseconds (any
// Date works, and the result does not depend on how a server or the embedded engine prints
// DateTime64).

const inPeriod = (column: string) => `toUnixTimestamp64Milli(${column}) >= {from_ms:Int64} AND toUnixTimestamp64Milli(${column}) < {to_ms:Int64}`;

/**
 * What `SELECT ... FROM table FINAL WHERE where` returns, for a `where` that matches few rows
 * through a skip index: the matching rows are read without FINAL (FINAL would read every granule
 * in their key ranges, all columns), and a row counts only if it is the newest of its key (a
 * newer row that does not match means the key no longer matches). `version` is the table's
 * ReplacingMergeTree version column; rows come in the order of `orderBy`.
 */
async function namedNewestRead<T>(
  client: ClickHouseClient,
  name: string,
  from: { table: string; key: string; version: string },
  select: string,
  where: string,
  orderBy: string,
  params: Record<string, unknown>,
  row: z.ZodType<T>,
): Promise<T[]> {
  const matching = await namedRead(
    client,
    name,
    `SELECT ${select}, ${from.key} AS row_key, toUnixTimestamp64Milli(${from.version}) AS row_version FROM ${from.table} WHERE ${where} ORDER BY ${orderBy}`,
    params,
    z.object({ row_key: z.string(), row_version: instantMs }).loose(),
  );
  if (matching.length === 0) return [];
  const newest = await namedRead(
    client,
    `${name}.newest`,
    `SELECT ${from.key} AS row_key, max(toUnixTimestamp64Milli(${from.version})) AS row_version FROM ${from.table} WHERE ${from.key} IN {row_keys:Array(String)} GROUP BY ${from.key}`,
    { row_keys: [...new Set(matching.map((r) => r.row_key))] },
    z.object({ row_key: z.string(), row_version: instantMs }),
  );
  const newestOf = new Map(newest.map((r) => [r.row_key, r.row_version]));
  const seen = new Set<string>();
  return matching
    .filter((r) => {
      if (r.row_version !== newestOf.get(r.row_key) || seen.has(r.row_key)) return false;
      seen.add(r.row_key);
      return true;
    })
    .map((r) => row.parse(r));
}

const count = z.coerce.number().int().nonnegative();
const instantMs = z.coerce.number().int();
const flag = z.coerce.number().transform((value) => value === 1);

// --- why a team's customers come back ------------------------------------------------------

export interface TeamPeriod {
  team: string;
  from: Date;
  to: Date;
}

const reasonRow = z.object({ reason: z.string().nullable(), contacts: count, repeats: count });
export type ReasonCounts = z.infer<typeof reasonRow>;

/** Per contact reason: contacts with this first team starting in [from, to), and how many a repeat followed. */
export async function readRepeatReasons(client: ClickHouseClient, query: TeamPeriod): Promise<ReasonCounts[]> {
  const sql = `SELECT reason, count() AS contacts, countIf(resolved_first_contact = 0) AS repeats
    FROM ${CONTACTS_TABLE} FINAL
    WHERE ${CURRENT_ROWS} AND first_team = {team:String} AND ${inPeriod('start')}
    GROUP BY reason`;
  return namedRead(client, 'teams.repeat-reasons', sql, periodParams(query), reasonRow);
}

// --- a team's journeys, worst first ------------------------------------------------------------

const teamJourneyRow = z.object({
  journey_id: z.string(),
  customer_id: z.string(),
  start_ms: instantMs,
  contact_count: count,
  handoff_count: count,
  cross_silo: flag,
  billing_trigger_type: z.string(),
});
export type TeamJourneyRow = z.infer<typeof teamJourneyRow>;

/**
 * The journeys whose first contact's first team is {team:String}, starting in [from, to), with
 * their handoffs (transfers and bounces) counted; in the order `orderBy` (of the columns
 * selected), at most {limit:UInt32}. Rows of the model the tables were last built with, as data
 * teams are told to read them.
 */
function teamJourneysSql(orderBy: string): string {
  return `WITH team_journeys AS (
      SELECT journey_id, customer_id, toUnixTimestamp64Milli(start) AS start_ms, first_silo, contacts AS contact_count, cross_silo, billing_trigger_type
      FROM ${JOURNEYS_TABLE} FINAL
      WHERE ${CURRENT_ROWS} AND first_team = {team:String} AND ${inPeriod('start')}
    ),
    journey_handoffs AS (
      SELECT journey_id, count() AS handoff_count, countIf(cross_silo = 1) AS cross_silo_handoffs FROM ${HANDOFFS_TABLE} FINAL
      WHERE ${CURRENT_ROWS} AND journey_id IN (SELECT journey_id FROM team_journeys)
      GROUP BY journey_id
    )
    SELECT j.journey_id AS journey_id, j.customer_id AS customer_id, j.start_ms AS start_ms, j.first_silo AS first_silo, j.contact_count AS contact_count,
           ifNull(h.handoff_count, 0) AS handoff_count, ifNull(h.cross_silo_handoffs, 0) AS cross_silo_handoffs,
           j.cross_silo AS cross_silo, j.billing_trigger_type AS billing_trigger_type
    FROM team_journeys AS j LEFT JOIN journey_handoffs AS h ON h.journey_id = j.journey_id
    ORDER BY ${orderBy}
    LIMIT {limit:UInt32}`;
}

/** Journeys whose first contact's first team is the team, starting in [from, to), worst first. */
export async function readTeamJourneys(
  client: ClickHouseClient,
  query: TeamPeriod & { sort: 'contacts' | 'handoffs'; limit: number },
): Promise<TeamJourneyRow[]> {
  const sql = teamJourneysSql(`if({sort:String} = 'handoffs', handoff_count, contact_count) DESC, start_ms, journey_id`);
  return namedRead(client, 'teams.journeys', sql, { ...periodParams(query), sort: query.sort, limit: query.limit }, teamJourneyRow);
}

/** A journey to review: one of a team's worst of a period. */
const worstJourneyRow = teamJourneyRow.extend({ first_silo: z.string(), cross_silo_handoffs: count }).transform((row) => ({
  journey_id: row.journey_id,
  customer_id: row.customer_id,
  start: new Date(row.start_ms).toISOString(),
  first_silo: row.first_silo,
  contacts: row.contact_count,
  handoffs: row.handoff_count,
  cross_silo_handoffs: row.cross_silo_handoffs,
  cross_silo: row.cross_silo,
  billing_trigger_type: row.billing_trigger_type,
}));
export type WorstJourney = z.output<typeof worstJourneyRow>;

/** A team's journeys that start in [from, to): most contacts first, then most handoffs, then the earliest. */
export async function readWorstJourneys(client: ClickHouseClient, query: TeamPeriod & { limit: number }): Promise<WorstJourney[]> {
  const sql = teamJourneysSql('contact_count DESC, handoff_count DESC, start_ms, journey_id');
  return namedRead(client, 'alerts.worst_journeys', sql, { ...periodParams(query), limit: query.limit }, worstJourneyRow);
}

function periodParams(query: TeamPeriod): Record<string, unknown> {
  return { team: query.team, from_ms: query.from.getTime(), to_ms: query.to.getTime() };
}

// --- one journey ---------------------------------------------------------------------------

const journeyRow = z.object({
  journey_id: z.string(),
  customer_id: z.string(),
  start_ms: instantMs,
  first_team: z.string(),
  first_silo: z.string(),
  cross_silo: flag,
  billing_trigger_type: z.string(),
  billing_trigger_at_ms: instantMs.nullable(),
});
const journeyContactRow = z.object({
  event_id: z.string(),
  source: z.string(),
  contact_id: z.string().nullable(),
  start_ms: instantMs,
  first_team: z.string(),
  first_silo: z.string(),
  final_team: z.string(),
  final_silo: z.string(),
});
const journeyHandoffRow = z.object({
  handoff_id: z.string(),
  kind: z.enum(['transfer', 'bounce']),
  contact_event_id: z.string(),
  at_ms: instantMs,
  from_team: z.string(),
  from_silo: z.string(),
  to_team: z.string(),
  to_silo: z.string(),
  cross_silo: flag,
});
export type JourneyRow = z.infer<typeof journeyRow>;
export type JourneyContactRow = z.infer<typeof journeyContactRow>;
export type JourneyHandoffRow = z.infer<typeof journeyHandoffRow>;

export interface StoredJourney {
  journey: JourneyRow;
  /** In (start, event id) order. */
  contacts: JourneyContactRow[];
  /** In (at, handoff id) order. */
  handoffs: JourneyHandoffRow[];
  /** Start of the customer's next journey, if there is one. */
  nextJourneyStartMs: number | undefined;
}

/**
 * What `SELECT select FROM table FINAL WHERE where ORDER BY orderBy` returns, where `candidates`
 * picks rows (any version) of every key that may match: the newest row of each of their keys
 * (start, key: the table's sort key) is taken, then filtered by `where`. The candidates are found
 * through a skip index or the sort key, and the newest rows through the sort key, so few granules
 * are read; FINAL could not use the skip index. `columns`: those `select` and `where` use, the
 * only ones read.
 */
async function namedNewestRowsRead<T>(
  client: ClickHouseClient,
  name: string,
  from: NewestRowsFrom,
  select: string,
  candidates: string,
  where: string,
  orderBy: string,
  params: Record<string, unknown>,
  row: z.ZodType<T>,
): Promise<T[]> {
  return namedRead(client, name, newestRowsSql(from, select, candidates, where, orderBy), params, row);
}

interface NewestRowsFrom {
  table: string;
  start: string;
  key: string;
  version: string;
  columns: string;
}

/** The SQL of namedNewestRowsRead. */
function newestRowsSql(from: NewestRowsFrom, select: string, candidates: string, where: string, orderBy: string): string {
  const sortKey = `${from.start}, ${from.key}`;
  return `SELECT ${select} FROM (
       SELECT ${sortKey}, ${from.version}, model_version, is_deleted, ${from.columns} FROM ${from.table} WHERE (${sortKey}) IN (SELECT ${sortKey} FROM ${from.table} WHERE ${candidates})
       ORDER BY ${sortKey}, ${from.version} DESC LIMIT 1 BY ${sortKey}
     ) WHERE ${where} ORDER BY ${orderBy}`;
}

/** A part of namedNewestRowsReads: its SQL, its row schema and the order of its rows. */
interface NewestRowsPart<T> {
  sql: string;
  row: z.ZodType<T>;
  /** The order of the part's `orderBy`: a union of parts keeps no order, so the rows are sorted here. */
  compare: (a: T, b: T) => number;
}

const newestRowsPart = <T>(sql: string, row: z.ZodType<T>, compare: (a: T, b: T) => number): NewestRowsPart<T> => ({ sql, row, compare });

/**
 * Several newest-rows reads in one query (one round trip to the engine): each part's rows as JSON
 * objects, parsed with its own row schema and sorted by its own order.
 */
async function namedNewestRowsReads<P extends Record<string, { sql: string; row: z.ZodType<unknown>; compare: (a: never, b: never) => number }>>(
  client: ClickHouseClient,
  name: string,
  parts: P,
  params: Record<string, unknown>,
): Promise<{ [K in keyof P]: z.infer<P[K]['row']>[] }> {
  const kinds = Object.keys(parts);
  const sql = kinds.map((kind, i) => `SELECT toUInt8(${i}) AS part, formatRowNoNewline('JSONEachRow', *) AS json FROM (${parts[kind]!.sql})`).join('\nUNION ALL\n');
  const rows = await namedRead(client, name, sql, params, z.object({ part: z.coerce.number(), json: z.string() }));
  const out = Object.fromEntries(kinds.map((kind) => [kind, [] as unknown[]]));
  for (const { part, json } of rows) out[kinds[part]!]!.push(parts[kinds[part]!]!.row.parse(JSON.parse(json)));
  for (const kind of kinds) out[kind]!.sort(parts[kind]!.compare as (a: unknown, b: unknown) => number);
  return out as { [K in keyof P]: z.infer<P[K]['row']>[] };
}

/** Code-unit order of two strings, as ClickHouse sorts them. */
const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A journey with its contacts and handoffs as the tables hold them now; undefined when unknown. */
export async function readStoredJourney(client: ClickHouseClient, journeyId: string): Promise<StoredJourney | undefined> {
  const [found] = await namedNewestRowsRead(
    client,
    'journeys.journey',
    { table: JOURNEYS_TABLE, start: 'start', key: 'journey_id', version: 'computed_at', columns: 'customer_id, first_team, first_silo, cross_silo, billing_trigger_type, billing_trigger_at, contact_starts' },
    `journey_id, customer_id, toUnixTimestamp64Milli(start) AS start_ms, first_team, first_silo, cross_silo, billing_trigger_type,
      if(isNull(billing_trigger_at), NULL, toUnixTimestamp64Milli(assumeNotNull(billing_trigger_at))) AS billing_trigger_at_ms,
      arrayMap(t -> toUnixTimestamp64Milli(t), contact_starts) AS contact_starts_ms`,
    'journey_id = {journey_id:String}',
    CURRENT_ROWS,
    'start_ms',
    { journey_id: journeyId },
    journeyRow.extend({ contact_starts_ms: z.array(instantMs) }),
  );
  if (!found) return undefined;
  const { contact_starts_ms: startsMs, ...journey } = found;
  // The journey's contacts start at its contact starts: found through the sort key of contacts and handoffs.
  const params = { journey_id: journeyId, starts: startsMs };
  // A part of the journey: the newest rows at its contacts' starts that are current and of this journey.
  const ofJourney = (from: NewestRowsFrom, select: string, orderBy: string) =>
    newestRowsSql(from, select, `toUnixTimestamp64Milli(${from.start}) IN {starts:Array(Int64)}`, `${CURRENT_ROWS} AND journey_id = {journey_id:String}`, orderBy);
  // Its contacts, its handoffs and the customer's journeys that start later (the earliest is the
  // next one), in one query.
  const { contacts, handoffs, later } = await namedNewestRowsReads(
    client,
    'journeys.contacts-handoffs-next',
    {
      contacts: newestRowsPart(
        ofJourney(
          { table: CONTACTS_TABLE, start: 'start', key: 'event_id', version: 'computed_at', columns: 'source, contact_id, first_team, first_silo, final_team, final_silo, journey_id' },
          'event_id, source, contact_id, toUnixTimestamp64Milli(start) AS start_ms, first_team, first_silo, final_team, final_silo',
          'start_ms, event_id',
        ),
        journeyContactRow,
        (a, b) => a.start_ms - b.start_ms || byBytes(a.event_id, b.event_id),
      ),
      handoffs: newestRowsPart(
        ofJourney(
          { table: HANDOFFS_TABLE, start: 'contact_start', key: 'handoff_id', version: 'computed_at', columns: 'kind, contact_event_id, at, from_team, from_silo, to_team, to_silo, cross_silo, journey_id' },
          'handoff_id, kind, contact_event_id, toUnixTimestamp64Milli(at) AS at_ms, from_team, from_silo, to_team, to_silo, cross_silo',
          'at_ms, handoff_id',
        ),
        journeyHandoffRow,
        (a, b) => a.at_ms - b.at_ms || byBytes(a.handoff_id, b.handoff_id),
      ),
      later: newestRowsPart(
        newestRowsSql(
          { table: JOURNEYS_TABLE, start: 'start', key: 'journey_id', version: 'computed_at', columns: 'customer_id' },
          'toUnixTimestamp64Milli(start) AS start_ms',
          'customer_id = {customer_id:String} AND toUnixTimestamp64Milli(start) > {start_ms:Int64}',
          `${CURRENT_ROWS} AND customer_id = {customer_id:String} AND toUnixTimestamp64Milli(start) > {start_ms:Int64}`,
          'start_ms LIMIT 1',
        ),
        z.object({ start_ms: instantMs }),
        (a, b) => a.start_ms - b.start_ms,
      ),
    },
    { ...params, customer_id: journey.customer_id, start_ms: journey.start_ms },
  );
  return { journey, contacts, handoffs, nextJourneyStartMs: later[0]?.start_ms };
}

/**
 * A customer's stored events with occurredAt in [fromMs, untilMs) (untilMs undefined: to the
 * last), in no particular order: those naming one of the customer's identifiers, and the
 * other events of the tickets and calls the customer started (a transfer may carry another
 * identifier than its call).
 */
export async function readCustomerEventsBetween(client: ClickHouseClient, customerId: string, fromMs: number, untilMs: number | undefined): Promise<CanonicalEvent[]> {
  const identities = await namedNewestRead(
    client,
    'journeys.customer-identifiers',
    { table: IDENTITIES_TABLE, key: 'identifier', version: 'updated_at' },
    'identifier',
    'customer_id = {customer_id:String}',
    'identifier',
    { customer_id: customerId },
    z.object({ identifier: z.string() }),
  );
  const identifiers = new Set(identities.map((row) => row.identifier));
  const candidates = await readCustomersEvents(client, [...identifiers]);
  const threadKey = (event: CanonicalEvent) => (event.contactId === undefined ? undefined : `${event.source}\u0000${event.contactId}`);
  const own = (event: CanonicalEvent) => identifierKeys(event.customer).some((key) => identifiers.has(key));
  const threads = new Set(candidates.filter(own).map(threadKey).filter((key) => key !== undefined));
  return candidates.filter((event) => {
    const at = Date.parse(event.occurredAt);
    if (at < fromMs || (untilMs !== undefined && at >= untilMs)) return false;
    const thread = threadKey(event);
    return own(event) || (thread !== undefined && threads.has(thread));
  });
}
