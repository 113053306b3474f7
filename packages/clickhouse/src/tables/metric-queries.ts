import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { CONTACTS_TABLE } from './journey-tables.ts';
import { AS_OF, creditedRows, DAY_MS, FIGURES, HOUR_MS, hourRanges, inScope, ms, NO_COUNTS, ROLE, SUMS, talliedCountsSchema, type RowFilter, type TalliedCounts } from './metric-rows.ts';
import { namedRead } from './named-query.ts';
import { readRollupHours, ROLLUP_TABLE, type RollupHours } from './rollups.ts';

export { NO_COUNTS, talliedCountsSchema, type TalliedCounts } from './metric-rows.ts';

// A question's figures: whole hours of its period summed from metric_rollup_v1, the rest from the
// rows (metric-rows.ts). An hour's entries stand for its rows at an asOf when the hour is built
// and not dirty, and each entry's rows had settled before asOf (or the whole hour had); mature
// contacts come from entries only for hours whose contacts are all mature at asOf. Every other
// row of the period is read and credited at asOf. So the figures are those of the rows, whatever
// is rolled up; a store without rollups is read row by row.

/** A period, scope and asOf, read from the rows of one journey model version. */
export interface MetricTableQuery {
  from: Date;
  to: Date;
  asOf: Date;
  /** Both given: a figure must match both. */
  scope?: { team?: string; silo?: string };
  /** journeyModelVersion(orgMap, W, B) of the rows to read; rows of any other version are ignored. */
  modelVersion: string;
  /** W of that model: which hours' contacts are all mature at asOf. */
  repeatWindowMs: number;
}

/** Which hours of a question come from the rollups, and which rows are read. */
interface HourPlan {
  /** Whole hours with a current build, and its version. */
  built: number[];
  versions: number[];
  /** Of those, the hours whose rows had all settled before asOf. */
  settled: number[];
  /** Of those, the hours whose contacts are all mature at asOf. */
  mature: number[];
  /** Hours read row by row: at the period's edges, or without a current build. */
  rows: number[];
  /** Built hours with rows that settle at or after asOf: those rows are read. */
  unsettled: number[];
  /** Built hours where asOf - W falls: their mature contacts are read. */
  maturing: number[];
}

/** `bounds`: the start of each interval, then the end of the last. */
function planHours({ hours, complete }: RollupHours, bounds: readonly number[], asOfMs: number, repeatWindowMs: number): HourPlan {
  const plan: HourPlan = { built: [], versions: [], settled: [], mature: [], rows: [], unsettled: [], maturing: [] };
  const lo = bounds[0]!;
  const hi = Math.min(bounds[bounds.length - 1]!, asOfMs);
  const interior = bounds.slice(1, -1);
  for (let hour = Math.floor(lo / HOUR_MS) * HOUR_MS; hour < hi; hour += HOUR_MS) {
    const whole = hour >= lo && hour + HOUR_MS <= hi && !interior.some((bound) => bound > hour && bound < hour + HOUR_MS);
    const build = hours.get(hour);
    // With every hour's header written, an hour without one has no rows to read.
    if (!build && complete) continue;
    if (!whole || !build || build.dirty === 1) {
      plan.rows.push(hour);
      continue;
    }
    plan.built.push(hour);
    plan.versions.push(build.version);
    (build.max_settled_ms < asOfMs ? plan.settled : plan.unsettled).push(hour);
    if (hour + HOUR_MS - 1 + repeatWindowMs <= asOfMs) plan.mature.push(hour);
    else if (hour + repeatWindowMs <= asOfMs) plan.maturing.push(hour);
  }
  return plan;
}

/** The rows of a role a question reads, given the plan. */
function rowFilter(plan: HourPlan, params: Record<string, unknown>): (role: number) => RowFilter {
  Object.assign(params, { rows_hours: plan.rows, unsettled_hours: plan.unsettled, maturing_hours: plan.maturing });
  // Granules to read (ranges may cover more hours) ...
  const read = hourRanges('rows', plan.rows, params);
  const readUnsettled = hourRanges('unsettled', plan.unsettled, params);
  const readMaturing = hourRanges('maturing', plan.maturing, params);
  // ... and exactly the rows to credit. A row of a built hour settled at asOf is in an entry of
  // its settled day when that day ended by asOf.
  const notInEntry = `${ms('row_settled')} - ${ms('row_settled')} % ${DAY_MS} + ${DAY_MS} > ${AS_OF}`;
  const rows = 'row_hour_ms IN {rows_hours:Array(Int64)}';
  const unsettled = `row_hour_ms IN {unsettled_hours:Array(Int64)} AND ${notInEntry}`;
  const maturing = 'row_hour_ms IN {maturing_hours:Array(Int64)}';
  return (role) => {
    const mature = role === ROLE.mature;
    const none = plan.rows.length === 0 && plan.unsettled.length === 0 && (!mature || plan.maturing.length === 0);
    return {
      none,
      inner: [read, readUnsettled, ...(mature ? [readMaturing] : [])].map((c) => `(${c})`).join(' OR '),
      outer: [rows, unsettled, ...(mature ? [maturing] : [])].map((c) => `(${c})`).join(' OR '),
    };
  };
}

/** The entries of built hours that stand for their rows at asOf, of these roles, with interval_index by hour. */
function rollupEntries(roles: readonly number[]): string {
  const hourMs = 'toInt64(toUnixTimestamp(hour)) * 1000';
  return `SELECT role, if({by_team:UInt8} = 1, team, '') AS key_team, toString(silo) AS key_silo, from_team, from_silo, to_team, to_silo,
      arrayCount(s -> s <= hour_ms, {starts_ms:Array(Int64)}) AS interval_index, ${FIGURES.map((figure) => `${figure} AS credited_${figure}`).join(', ')}
    FROM (SELECT *, ${hourMs} AS hour_ms FROM ${ROLLUP_TABLE} FINAL
          WHERE model_version = {model_version:String} AND role IN (${roles.join(', ')})
            AND hour >= toDateTime(intDiv({from_ms:Int64}, 1000), 'UTC') AND ${hourMs} IN {built:Array(Int64)})
    WHERE version = transform(hour_ms, {built:Array(Int64)}, {versions:Array(UInt64)}, toUInt64(0))
      AND ${inScope('team', 'silo')}
      AND (hour_ms IN {settled:Array(Int64)} OR toInt64(toUnixTimestamp(toDateTime(settled_day, 'UTC'))) * 1000 + ${DAY_MS} <= ${AS_OF})
      AND (role != ${ROLE.mature} OR hour_ms IN {mature:Array(Int64)})`;
}

function baseParams(query: MetricTableQuery, byTeam: boolean, startsMs: readonly number[]): Record<string, unknown> {
  const scope = query.scope ?? {};
  return {
    model_version: query.modelVersion,
    from_ms: query.from.getTime(),
    to_ms: query.to.getTime(),
    as_of_ms: query.asOf.getTime(),
    has_team: scope.team === undefined ? 0 : 1,
    team: scope.team ?? '',
    has_silo: scope.silo === undefined ? 0 : 1,
    silo: scope.silo ?? '',
    by_team: byTeam ? 1 : 0,
    starts_ms: startsMs,
  };
}

/** Attempts before a question gives up on the rollups and reads every row (hours rebuilt meanwhile each time). */
const PLAN_ATTEMPTS = 3;

/**
 * Runs `sql(plan, params)` for the hours of [bounds[0], last bound): the plan from the rollups'
 * current builds, checked again after the query; if a build changed meanwhile, again.
 */
async function withPlan<T>(client: ClickHouseClient, query: MetricTableQuery, bounds: readonly number[], run: (plan: HourPlan) => Promise<T>): Promise<T> {
  const fromMs = bounds[0]!;
  const toMs = Math.min(bounds[bounds.length - 1]!, query.asOf.getTime());
  const same = (a: RollupHours, b: RollupHours) =>
    a.complete === b.complete && a.hours.size === b.hours.size && [...a.hours].every(([hour, build]) => b.hours.get(hour)?.version === build.version);
  const none: RollupHours = { hours: new Map(), complete: false };
  for (let attempt = 1; attempt <= PLAN_ATTEMPTS; attempt++) {
    const hours = toMs > fromMs ? await readRollupHours(client, query.modelVersion, fromMs, toMs) : none;
    const result = await run(planHours(hours, bounds, query.asOf.getTime(), query.repeatWindowMs));
    if (toMs <= fromMs || same(hours, await readRollupHours(client, query.modelVersion, fromMs, toMs))) return result;
  }
  return run(planHours(none, bounds, query.asOf.getTime(), query.repeatWindowMs));
}

function planParams(plan: HourPlan, params: Record<string, unknown>): Record<string, unknown> {
  return { ...params, built: plan.built, versions: plan.versions, settled: plan.settled, mature: plan.mature };
}

const TALLY_ROLES = [ROLE.contact, ROLE.mature, ROLE.journey];

function tallySql(plan: HourPlan, params: Record<string, unknown>): string {
  const credited = FIGURES.map((figure) => `credited_${figure}`).join(', ');
  const rows = creditedRows(TALLY_ROLES, rowFilter(plan, params));
  const fromRows = rows && `SELECT key_team, key_silo, arrayCount(s -> s <= row_start_ms, {starts_ms:Array(Int64)}) AS interval_index, ${credited} FROM (${rows})`;
  const fromRollups = `SELECT key_team, key_silo, interval_index, ${credited} FROM (${rollupEntries(TALLY_ROLES)})`;
  return `SELECT key_team AS team, interval_index, groupUniqArray(key_silo) AS silos, ${SUMS}
    FROM (${[fromRows, fromRollups].filter(Boolean).join('\n      UNION ALL\n      ')})
    GROUP BY team, interval_index`;
}

const tallyRow = talliedCountsSchema.extend({ team: z.string(), interval_index: z.coerce.number().int(), silos: z.array(z.string()) });
/** What one key is credited with: `team` is '' unless by team; `interval_index` is 1-based. */
export type MetricTally = z.infer<typeof tallyRow>;

/**
 * The counts of the period and scope at asOf: one tally for the whole scope (none when nothing is
 * credited), or one per team credited with a figure (`byTeam`).
 */
export async function readMetricTallies(client: ClickHouseClient, query: MetricTableQuery, byTeam: boolean): Promise<MetricTally[]> {
  const bounds = [query.from.getTime(), query.to.getTime()];
  return withPlan(client, query, bounds, (plan) => {
    const params = baseParams(query, byTeam, [bounds[0]!]);
    const sql = tallySql(plan, params);
    return namedRead(client, byTeam ? 'metrics.tally-by-team' : 'metrics.tally', sql, planParams(plan, params), tallyRow);
  });
}

/**
 * The counts per interval of the period at asOf, in the order of `starts` (each interval ends
 * where the next starts, the last at `query.to`; `query.from` is ignored for starts[0]).
 */
export async function readMetricTrend(client: ClickHouseClient, query: MetricTableQuery & { starts: readonly Date[] }): Promise<TalliedCounts[]> {
  const startsMs = query.starts.map((start) => start.getTime());
  if (startsMs.length === 0) return [];
  const bounds = [...startsMs, query.to.getTime()];
  const rows = await withPlan(client, { ...query, from: query.starts[0]! }, bounds, (plan) => {
    const params = baseParams({ ...query, from: query.starts[0]! }, false, startsMs);
    return namedRead(client, 'metrics.trend', tallySql(plan, params), planParams(plan, params), tallyRow);
  });
  const byInterval = startsMs.map((): TalliedCounts => ({ ...NO_COUNTS }));
  for (const { interval_index, team: _team, silos: _silos, ...counts } of rows) {
    if (interval_index >= 1 && interval_index <= byInterval.length) byInterval[interval_index - 1] = counts;
  }
  return byInterval;
}

const transitionRow = z.object({
  from_silo: z.string(),
  to_silo: z.string(),
  from_team: z.string(),
  to_team: z.string(),
  count: z.coerce.number().int().positive(),
});
export type TransitionCount = z.infer<typeof transitionRow>;

/** Handoffs counted in the summary at asOf, per (from team, to team) with their silos; unordered. */
export async function readMetricTransitions(client: ClickHouseClient, query: MetricTableQuery): Promise<TransitionCount[]> {
  const bounds = [query.from.getTime(), query.to.getTime()];
  return withPlan(client, query, bounds, (plan) => {
    const params = baseParams(query, false, [bounds[0]!]);
    const rows = creditedRows([ROLE.handoff], rowFilter(plan, params));
    const parts = [rows, rollupEntries([ROLE.handoff])].filter(Boolean).map((part) => `SELECT from_team, from_silo, to_team, to_silo, credited_transfers FROM (${part})`);
    const sql = `SELECT from_silo, to_silo, from_team, to_team, sum(credited_transfers) AS count
      FROM (${parts.join(' UNION ALL ')})
      GROUP BY from_silo, to_silo, from_team, to_team
      HAVING count > 0`;
    return namedRead(client, 'metrics.transitions', sql, planParams(plan, params), transitionRow);
  });
}

/**
 * The end (exclusive, epoch ms) of the asOf range from `asOf` on in which every answer from these
 * rows equals the answer at `asOf`, or Infinity. An answer at asOf counts events before asOf and
 * contacts mature at asOf; so it changes just after the first contact start or leg at or after
 * asOf, and at the first maturity after asOf. Read without FINAL: an older copy of a row can only
 * make the range shorter, never longer.
 */
export async function readNextChange(client: ClickHouseClient, modelVersion: string, asOf: Date): Promise<number> {
  const sql = `SELECT least(
      ifNull(minIfOrNull(${ms('mature_at')}, ${ms('mature_at')} > ${AS_OF}), ${Number.MAX_SAFE_INTEGER}),
      ifNull(minIfOrNull(arrayMin(arrayMap(t -> ${ms('t')}, arrayFilter(t -> ${ms('t')} >= ${AS_OF}, legs_at))), ${ms('last_leg_at')} >= ${AS_OF}) + 1, ${Number.MAX_SAFE_INTEGER})
    ) AS next
    FROM ${CONTACTS_TABLE}
    WHERE model_version = {model_version:String} AND (${ms('mature_at')} > ${AS_OF} OR ${ms('last_leg_at')} >= ${AS_OF})`;
  const [row] = await namedRead(client, 'metrics.next-change', sql, { model_version: modelVersion, as_of_ms: asOf.getTime() }, z.object({ next: z.coerce.number().nullable() }));
  const next = row?.next ?? null;
  return next === null || next >= Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : next;
}
