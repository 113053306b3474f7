import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { CONTACTS_TABLE, JOURNEYS_TABLE } from './journey-tables.ts';
import { creditedRows, FIGURES, HOUR_MS, hourOf, hourRanges, ms, ROLE } from './metric-rows.ts';
import { namedRead } from './named-query.ts';
import { recordTablesWrite } from './tables-state.ts';

// metric_rollup_v1 and metric_rollup_hours_v1 (migrations/013_rollups.sql): the figures of each
// hour's rows as every stored event leaves them, per role, team, silo, handoff pair and settled
// day. The writer of the journey rows keeps them: it marks the hours it is about to change dirty,
// writes the rows, then builds those hours again from the rows. A build is a pure function of the
// rows, so building twice changes nothing; until it is done (or when the writer stopped in
// between), the hour stays dirty and questions read its rows. One writer of journey rows at a
// time (the linker) keeps the versions of an hour in order.

export const ROLLUP_TABLE = 'metric_rollup_v1';
export const ROLLUP_HOURS_TABLE = 'metric_rollup_hours_v1';

/** Far beyond any event: the figures as every stored event leaves them. */
const ALL_EVENTS_MS = Date.parse('9999-01-01T00:00:00Z');
/** Hours per build query: bounds the size of one query and of its parameters. */
const HOURS_PER_BUILD = 2_000;

let lastVersion = 0;
/** Versions of one process only grow: a later build of an hour always wins. */
function nextVersion(): number {
  lastVersion = Math.max(lastVersion + 1, Date.now() * 1000);
  return lastVersion;
}

/** The hours (epoch ms) instants lie in, each once. */
export function hoursOf(instants: Iterable<string>): number[] {
  const hours = new Set<number>();
  for (const instant of instants) hours.add(Math.floor(Date.parse(instant) / HOUR_MS) * HOUR_MS);
  return [...hours].sort((a, b) => a - b);
}

const asHour = (hourMs: number) => new Date(hourMs).toISOString().slice(0, 19).replace('T', ' ');

/** Before the rows of these hours change: questions read those rows until the hours are built again. */
export async function markRollupHoursDirty(client: ClickHouseClient, modelVersion: string, hours: readonly number[]): Promise<void> {
  if (hours.length === 0) return;
  const version = nextVersion();
  await client.insert({
    table: ROLLUP_HOURS_TABLE,
    values: hours.map((hour) => ({ model_version: modelVersion, hour: asHour(hour), version, dirty: 1, max_settled_at: '1970-01-01 00:00:00.000' })),
    format: 'JSONEachRow',
  });
}

/**
 * The hour that stands for "every hour with rows of this model has a header": written once the
 * hours a store had before are built (at a stitcher's start), after which every write marks its
 * hours first. With it, an hour without a header has no rows; without it, a question reads such
 * an hour row by row.
 */
const COMPLETE_HOUR = 0;

/** Records that every hour with rows of this model has a header (call after building hoursToBuild), and a write of the tables. */
export async function markRollupsComplete(client: ClickHouseClient, modelVersion: string): Promise<void> {
  await client.insert({
    table: ROLLUP_HOURS_TABLE,
    values: [{ model_version: modelVersion, hour: asHour(COMPLETE_HOUR), version: nextVersion(), dirty: 0, max_settled_at: '1970-01-01 00:00:00.000' }],
    format: 'JSONEachRow',
  });  // Readers that keep the builds in memory (rollup-entries.ts) read them again after a write.
  await recordTablesWrite(client);
}

/** Builds these hours' entries from their rows, then marks them current. */
export async function buildRollupHours(client: ClickHouseClient, modelVersion: string, hours: readonly number[]): Promise<void> {
  for (let i = 0; i < hours.length; i += HOURS_PER_BUILD) {
    const chunk = hours.slice(i, i + HOURS_PER_BUILD);
    const version = nextVersion();
    const params: Record<string, unknown> = {
      model_version: modelVersion,
      from_ms: chunk[0]!,
      to_ms: chunk[chunk.length - 1]! + HOUR_MS,
      as_of_ms: ALL_EVENTS_MS,
      has_team: 0,
      team: '',
      has_silo: 0,
      silo: '',
      by_team: 1,
      hours: chunk,
      version,
    };
    // The ranges may cover more hours than the chunk: only the chunk's rows are built.
    const inChunk = hourRanges('chunk', chunk, params);
    const inHours = () => ({ inner: inChunk, outer: 'row_hour_ms IN {hours:Array(Int64)}' });
    await client.command({
      query: `/* seamline:rollups.build */ INSERT INTO ${ROLLUP_TABLE}
        (model_version, hour, role, settled_day, team, silo, from_team, from_silo, to_team, to_silo, ${FIGURES.join(', ')}, version)
        SELECT {model_version:String}, toDateTime(intDiv(row_hour_ms, 1000), 'UTC'), role, toDate(row_settled), key_team, key_silo,
          from_team, from_silo, to_team, to_silo, ${FIGURES.map((figure) => `sum(credited_${figure})`).join(', ')}, {version:UInt64}
        FROM (${creditedRows(Object.values(ROLE), inHours)!})
        GROUP BY row_hour_ms, role, toDate(row_settled), key_team, key_silo, from_team, from_silo, to_team, to_silo`,
      query_params: params,
    });
    // When each hour's rows stop changing at an asOf: contacts (role 1) and journeys (role 3) are every row.
    const settled = await namedRead(
      client,
      'rollups.settled',
      `SELECT row_hour_ms AS hour_ms, max(${ms('row_settled')}) AS settled_ms FROM (${creditedRows([ROLE.contact, ROLE.journey], inHours)!}) GROUP BY row_hour_ms`,
      params,
      z.object({ hour_ms: z.coerce.number(), settled_ms: z.coerce.number() }),
    );
    const settledOf = new Map(settled.map((row) => [row.hour_ms, row.settled_ms]));
    await client.insert({
      table: ROLLUP_HOURS_TABLE,
      values: chunk.map((hour) => ({
        model_version: modelVersion,
        hour: asHour(hour),
        version,
        dirty: 0,
        max_settled_at: new Date(settledOf.get(hour) ?? 0).toISOString(),
      })),
      format: 'JSONEachRow',
    });
  }
}

const hourRow = z.object({ hour_ms: z.coerce.number(), version: z.coerce.number(), dirty: z.coerce.number(), max_settled_ms: z.coerce.number() });
export type RollupHour = z.infer<typeof hourRow>;

export interface RollupHours {
  /** The current build of each hour in the range that has one. */
  hours: Map<number, RollupHour>;
  /** Every hour with rows has a header: an hour without one has no rows (markRollupsComplete). */
  complete: boolean;
}

/** The current builds of the hours in [fromMs, toMs). */
export async function readRollupHours(client: ClickHouseClient, modelVersion: string, fromMs: number, toMs: number): Promise<RollupHours> {
  const rows = await namedRead(
    client,
    'rollups.hours',
    `SELECT toInt64(toUnixTimestamp(hour)) * 1000 AS hour_ms, version, dirty, ${ms('max_settled_at')} AS max_settled_ms
     FROM ${ROLLUP_HOURS_TABLE} FINAL
     WHERE model_version = {model_version:String}
       AND (hour = toDateTime(${COMPLETE_HOUR}, 'UTC')
         OR (hour >= toDateTime(intDiv({from_ms:Int64}, 1000), 'UTC') AND hour < toDateTime(intDiv({to_ms:Int64}, 1000) + 1, 'UTC')))`,
    { model_version: modelVersion, from_ms: Math.floor(fromMs / HOUR_MS) * HOUR_MS, to_ms: Math.min(toMs, ALL_EVENTS_MS) },
    hourRow,
  );
  const inRange = rows.filter((row) => row.hour_ms !== COMPLETE_HOUR && row.hour_ms >= Math.floor(fromMs / HOUR_MS) * HOUR_MS && row.hour_ms < toMs);
  return { hours: new Map(inRange.map((row) => [row.hour_ms, row])), complete: rows.some((row) => row.hour_ms === COMPLETE_HOUR) };
}

/** Hours that have rows of this model but no current build: never built, or left dirty by a writer that stopped. */
export async function hoursToBuild(client: ClickHouseClient, modelVersion: string): Promise<number[]> {
  const rows = await namedRead(
    client,
    'rollups.to-build',
    `SELECT DISTINCT hour_ms FROM (
       SELECT ${hourOf('start')} AS hour_ms FROM ${CONTACTS_TABLE} WHERE model_version = {model_version:String}
       UNION ALL
       SELECT ${hourOf('start')} AS hour_ms FROM ${JOURNEYS_TABLE} WHERE model_version = {model_version:String}
       UNION ALL
       SELECT toInt64(toUnixTimestamp(hour)) * 1000 AS hour_ms FROM ${ROLLUP_HOURS_TABLE} FINAL WHERE model_version = {model_version:String} AND dirty = 1
     )
     WHERE hour_ms NOT IN (SELECT toInt64(toUnixTimestamp(hour)) * 1000 FROM ${ROLLUP_HOURS_TABLE} FINAL WHERE model_version = {model_version:String} AND dirty = 0)
     ORDER BY hour_ms`,
    { model_version: modelVersion },
    z.object({ hour_ms: z.coerce.number() }),
  );
  return rows.map((row) => row.hour_ms);
}
