import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { CONTACTS_TABLE, JOURNEYS_TABLE } from './journey-tables.ts';
import { creditedChanges, FIGURES, HOUR_MS, hourOf, hourRanges, ROLE } from './metric-rows.ts';
import { namedCommand, namedInsert, namedRead } from './named-query.ts';
import { recordTablesWrite } from './tables-state.ts';

// metric_changes_v1, metric_rollup_v2 and metric_rollup_hours_v2 (migrations/015_change_rollups.sql):
// how each hour's rows change the figures at an asOf, per instant and per hour of change, by role,
// team, silo and handoff pair. The writer of the journey rows keeps them: it marks the hours it is
// about to change dirty, writes the rows, then builds those hours again from the rows. A build is a
// pure function of the rows, so building twice changes nothing; until it is done (or when the
// writer stopped in between), the hour stays dirty and questions read its rows. One writer of
// journey rows at a time (the linker) keeps the versions of an hour in order.

export const CHANGES_TABLE = 'metric_changes_v1';
export const ROLLUP_TABLE = 'metric_rollup_v2';
export const ROLLUP_HOURS_TABLE = 'metric_rollup_hours_v2';

/** Far beyond any event. */
const ALL_EVENTS_MS = Date.parse('9999-01-01T00:00:00Z');
/** Hours per build query: bounds the size of one query and of its parameters. */
const HOURS_PER_BUILD = 720;

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

/** A row of metric_rollup_hours_v2: which build of an hour of start is current, and whether it is dirty. */
interface RollupHourRow {
  model_version: string;
  hour: string;
  version: number;
  dirty: 0 | 1;
}
const hourHeader = (modelVersion: string, hourMs: number, version: number, dirty: 0 | 1): RollupHourRow => ({ model_version: modelVersion, hour: asHour(hourMs), version, dirty });

/** Before the rows of these hours change: questions read those rows until the hours are built again. */
export async function markRollupHoursDirty(client: ClickHouseClient, modelVersion: string, hours: readonly number[]): Promise<void> {
  if (hours.length === 0) return;
  const version = nextVersion();
  await namedInsert(client, 'rollups.mark-dirty', ROLLUP_HOURS_TABLE, hours.map((hour) => hourHeader(modelVersion, hour, version, 1)));
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
  await namedInsert(client, 'rollups.mark-complete', ROLLUP_HOURS_TABLE, [hourHeader(modelVersion, COMPLETE_HOUR, nextVersion(), 0)]);
  // Readers that keep the builds in memory (rollup-entries.ts) read them again after a write.
  await recordTablesWrite(client);
}

const PAIR = 'team, silo, from_team, from_silo, to_team, to_silo';
const CHANGE_SUMS = FIGURES.map((figure) => `sum(${figure}) AS ${figure}`).join(', ');

/** Builds these hours' changes and entries from their rows, then marks them current. */
export async function buildRollupHours(client: ClickHouseClient, modelVersion: string, hours: readonly number[]): Promise<void> {
  for (let i = 0; i < hours.length; i += HOURS_PER_BUILD) {
    const chunk = hours.slice(i, i + HOURS_PER_BUILD);
    const version = nextVersion();
    const params: Record<string, unknown> = {
      model_version: modelVersion,
      from_ms: chunk[0]!,
      to_ms: chunk[chunk.length - 1]! + HOUR_MS,
      has_team: 0,
      team: '',
      has_silo: 0,
      silo: '',
      by_team: 1,
      hours: chunk,
      version,
    };
    // The ranges may cover more hours than the chunk: only the chunk's rows are built.
    const inChunk = `(${hourRanges('chunk', chunk, params)}) AND ${hourOf('start')} IN {hours:Array(Int64)}`;
    // Each stretch of a row's credit adds it where the stretch begins and takes it away where it ends.
    const changes = `SELECT *, change.1 AS change_ms, change.2 AS sign FROM (${creditedChanges(Object.values(ROLE), inChunk)!})
      ARRAY JOIN arrayFilter(c -> c.1 > 0, [(change_from, toInt64(1)), (change_to, toInt64(-1))]) AS change`;
    // Changes that leave every figure as it was (a stretch ending where an equal one begins) are left out.
    const summed = FIGURES.map((figure) => `sum(toInt64(credited_${figure}) * sign) AS ${figure}`).join(', ');
    await namedCommand(
      client,
      'rollups.build-changes',
      `INSERT INTO ${CHANGES_TABLE}
        (model_version, hour, change_at, role, ${PAIR}, ${FIGURES.join(', ')}, version)
        SELECT {model_version:String}, toDateTime(intDiv(row_hour_ms, 1000), 'UTC'), fromUnixTimestamp64Milli(change_ms, 'UTC'), role, key_team, key_silo,
          from_team, from_silo, to_team, to_silo, ${FIGURES.join(', ')}, {version:UInt64}
        FROM (
          SELECT row_hour_ms, change_ms, role, key_team, key_silo, from_team, from_silo, to_team, to_silo, ${summed}
          FROM (${changes})
          GROUP BY row_hour_ms, change_ms, role, key_team, key_silo, from_team, from_silo, to_team, to_silo)
        WHERE ${FIGURES.map((figure) => `${figure} != 0`).join(' OR ')}`,
      params,
      // Each key is written once per build: nothing to merge while inserting.
      { optimize_on_insert: 0 },
    );
    // Entries per hour of change, kept also where the changes sum to nothing: an entry says the
    // hour of change has changes to read for an asOf inside it.
    await namedCommand(
      client,
      'rollups.build-entries',
      `INSERT INTO ${ROLLUP_TABLE}
        (model_version, hour, change_hour, role, ${PAIR}, ${FIGURES.join(', ')}, version)
        SELECT model_version, hour, toStartOfHour(change_at), role, ${PAIR}, ${FIGURES.map((figure) => `sum(${figure})`).join(', ')}, version
        FROM ${CHANGES_TABLE}
        WHERE model_version = {model_version:String} AND hour IN (SELECT toDateTime(intDiv(h, 1000), 'UTC') FROM (SELECT arrayJoin({hours:Array(Int64)}) AS h))
          AND version = {version:UInt64}
        GROUP BY model_version, hour, toStartOfHour(change_at), role, ${PAIR}, version`,
      params,
      { optimize_on_insert: 0 },
    );
    await namedInsert(client, 'rollups.mark-built', ROLLUP_HOURS_TABLE, chunk.map((hour) => hourHeader(modelVersion, hour, version, 0)));
  }
}

/**
 * The changes of these builds of hours of start (hour -> version) at instants in [hour of asOf,
 * asOf], summed per hour of start, role, team, silo and pair. Read without FINAL: only the build
 * asked for counts, and a build writes each change once.
 */
export async function readChangesUntil(client: ClickHouseClient, modelVersion: string, asOfMs: number, builds: ReadonlyMap<number, number>): Promise<ChangeSum[]> {
  if (builds.size === 0) return [];
  const hours = [...builds.keys()];
  const hourMs = 'toInt64(toUnixTimestamp(hour)) * 1000';
  return namedRead(
    client,
    'rollups.changes',
    `SELECT ${hourMs} AS hour_ms, role, team, toString(silo) AS silo, from_team, toString(from_silo) AS from_silo, to_team, toString(to_silo) AS to_silo, ${CHANGE_SUMS}
     FROM ${CHANGES_TABLE}
     WHERE model_version = {model_version:String}
       AND toStartOfHour(change_at) = toDateTime(intDiv({change_hour_ms:Int64}, 1000), 'UTC')
       AND toUnixTimestamp64Milli(change_at) <= {as_of_ms:Int64}
       AND ${hourMs} IN {hours:Array(Int64)}
       AND version = transform(${hourMs}, {hours:Array(Int64)}, {versions:Array(UInt64)}, toUInt64(0))
     GROUP BY hour_ms, role, ${PAIR}`,
    { model_version: modelVersion, change_hour_ms: Math.floor(asOfMs / HOUR_MS) * HOUR_MS, as_of_ms: asOfMs, hours, versions: hours.map((hour) => builds.get(hour)!) },
    changeSumRow,
  );
}

/**
 * The first instant after asOfMs at which a change of any build is recorded, or Infinity: the
 * first hour of change after asOf in the order of the table (read in order, it stops there), then
 * the first change in it.
 */
export async function readNextRolledChange(client: ClickHouseClient, modelVersion: string, asOfMs: number): Promise<number> {
  const after = `model_version = {model_version:String} AND toUnixTimestamp64Milli(change_at) > {as_of_ms:Int64}`;
  const [row] = await namedRead(
    client,
    'rollups.next-change',
    `SELECT toUnixTimestamp64Milli(min(change_at)) AS next, count() AS n FROM ${CHANGES_TABLE}
     WHERE ${after} AND toStartOfHour(change_at) = (
       SELECT toStartOfHour(change_at) AS change_hour FROM ${CHANGES_TABLE} WHERE ${after} ORDER BY model_version, change_hour LIMIT 1)`,
    { model_version: modelVersion, as_of_ms: asOfMs },
    z.object({ next: z.coerce.number(), n: z.coerce.number() }),
  );
  return row && row.n > 0 ? row.next : Number.POSITIVE_INFINITY;
}

const changeSum = z.coerce.number().int();
export const changeSumRow = z.object({
  hour_ms: z.coerce.number(),
  role: z.coerce.number(),
  team: z.string(),
  silo: z.string(),
  from_team: z.string(),
  from_silo: z.string(),
  to_team: z.string(),
  to_silo: z.string(),
  ...Object.fromEntries(FIGURES.map((figure) => [figure, changeSum])) as Record<(typeof FIGURES)[number], typeof changeSum>,
});
export type ChangeSum = z.infer<typeof changeSumRow>;

const hourRow = z.object({ hour_ms: z.coerce.number(), version: z.coerce.number(), dirty: z.coerce.number() });
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
    `SELECT toInt64(toUnixTimestamp(hour)) * 1000 AS hour_ms, version, dirty
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
