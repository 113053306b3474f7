import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { CONTACTS_TABLE } from './journey-tables.ts';
import { AS_OF, creditedRows, DAY_MS, FIGURES, HOUR_MS, hourRanges, ms, NO_COUNTS, ROLE, SUMS, talliedCountsSchema, type RowFilter, type TalliedCounts } from './metric-rows.ts';
import { namedRead } from './named-query.ts';
import { rollupsFromTables, type HourEntries, type RollupEntry, type RollupReader } from './rollup-entries.ts';
import { readRollupHours, type RollupHours } from './rollups.ts';

export { NO_COUNTS, talliedCountsSchema, type TalliedCounts } from './metric-rows.ts';

// A question's figures: whole hours of its period summed from metric_rollup_v1, the rest from the
// rows (metric-rows.ts). An hour's entries stand for its rows at an asOf when the hour is built
// and not dirty, and each entry's rows had settled before asOf (or the whole hour had); mature
// contacts come from entries only for hours whose contacts are all mature at asOf. Every other
// row of the period is read and credited at asOf. So the figures are those of the rows, whatever
// is rolled up; a store without rollups is read row by row. The entries are summed here, from the
// tables or from a memory of them (rollup-entries.ts); the rows are credited in ClickHouse.

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

type EntriesByHour = ReadonlyMap<number, HourEntries>;
/** What a question computed from a plan, and whether it read rows to do so. */
type Planned<T> = { value: T; readRows: boolean };

/**
 * Runs `run(plan, entries)` for the hours of [bounds[0], last bound): the plan from the current
 * builds of the hours, with the entries of the built ones. When it read anything from the tables
 * (entries or rows), the builds are read again after it; if one changed meanwhile, again.
 */
async function withPlan<T>(client: ClickHouseClient, query: MetricTableQuery, bounds: readonly number[], rollups: RollupReader, run: (plan: HourPlan, entries: EntriesByHour) => Promise<Planned<T>>): Promise<T> {
  const fromMs = bounds[0]!;
  const toMs = Math.min(bounds[bounds.length - 1]!, query.asOf.getTime());
  const plan = (hours: RollupHours) => planHours(hours, bounds, query.asOf.getTime(), query.repeatWindowMs);
  if (toMs <= fromMs) return (await run(plan({ hours: new Map(), complete: true }), new Map())).value;
  for (let attempt = 1; attempt <= PLAN_ATTEMPTS; attempt++) {
    const hours = await rollups.hours(query.modelVersion, fromMs, toMs);
    const planned = plan(hours);
    const entries = await rollups.entries(query.modelVersion, new Map(planned.built.map((hour, i) => [hour, planned.versions[i]!])));
    const { value, readRows } = await run(planned, entries.byHour);
    if (!entries.loaded && !readRows) return value;
    const now = await readRollupHours(client, query.modelVersion, fromMs, toMs);
    const changed = [...new Set([...hours.hours.keys(), ...now.hours.keys()])].filter((hour) => hours.hours.get(hour)?.version !== now.hours.get(hour)?.version);
    if (changed.length === 0 && now.complete === hours.complete) return value;
    rollups.changed(query.modelVersion, changed);
  }
  return (await run(plan({ hours: new Map(), complete: false }), new Map())).value;
}

/** Calls `take` for each entry of a built hour that stands for its rows at asOf, of these roles, in the scope. */
function entriesAtAsOf(plan: HourPlan, entries: EntriesByHour, query: MetricTableQuery, roles: readonly number[], take: (hour: number, entry: RollupEntry) => void): void {
  const asOfMs = query.asOf.getTime();
  const settled = new Set(plan.settled);
  const mature = new Set(plan.mature);
  const { team, silo } = query.scope ?? {};
  const wanted = new Set(roles);
  for (const hour of plan.built) {
    const hourEntries = entries.get(hour);
    if (!hourEntries) continue;
    const hourSettled = settled.has(hour);
    const hourMature = mature.has(hour);
    for (const entry of hourSettled ? hourEntries.settled : hourEntries.all) {
      if (!wanted.has(entry.role)) continue;
      if ((team !== undefined && entry.team !== team) || (silo !== undefined && entry.silo !== silo)) continue;
      // An entry's rows are the same at every asOf from the end of its settled day on.
      if (!hourSettled && entry.settledDayMs + DAY_MS > asOfMs) continue;
      if (entry.role === ROLE.mature && !hourMature) continue;
      take(hour, entry);
    }
  }
}

const tallyRow = talliedCountsSchema.extend({ team: z.string(), interval_index: z.coerce.number().int(), silos: z.array(z.string()) });
/** What one key is credited with: `team` is '' unless by team; `interval_index` is 1-based. */
export type MetricTally = z.infer<typeof tallyRow>;

/** How a question reads the rollups: from the tables each time (the default), or from a RollupMemory. */
export interface MetricReadOptions {
  rollups?: RollupReader;
}

const TALLY_ROLES = [ROLE.contact, ROLE.mature, ROLE.journey];

/** The tallies per key (team or '', interval) of the plan's rows and entries; `startsMs` begins each interval. */
async function tallyOf(client: ClickHouseClient, name: string, query: MetricTableQuery, byTeam: boolean, startsMs: readonly number[], plan: HourPlan, entries: EntriesByHour): Promise<Planned<MetricTally[]>> {
  const params = baseParams(query, byTeam, startsMs);
  const rows = creditedRows(TALLY_ROLES, rowFilter(plan, params));
  const fromRows = rows
    ? await namedRead(
        client,
        name,
        `SELECT key_team AS team, arrayCount(s -> s <= row_start_ms, {starts_ms:Array(Int64)}) AS interval_index, groupUniqArray(key_silo) AS silos, ${SUMS}
         FROM (${rows}) GROUP BY team, interval_index`,
        params,
        tallyRow,
      )
    : [];
  const tallies = new Map<string, MetricTally>();
  const tallyFor = (team: string, intervalIndex: number) => {
    const key = `${team}\u0000${intervalIndex}`;
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = { ...NO_COUNTS, team, interval_index: intervalIndex, silos: [] }));
    return tally;
  };
  const addSilo = (tally: MetricTally, silo: string) => {
    if (!tally.silos.includes(silo)) tally.silos.push(silo);
  };
  for (const row of fromRows) {
    const tally = tallyFor(row.team, row.interval_index);
    for (const figure of FIGURES) tally[figure] += row[figure];
    for (const silo of row.silos) addSilo(tally, silo);
  }
  let lastHour = Number.NaN;
  let intervalIndex = 0;
  entriesAtAsOf(plan, entries, query, TALLY_ROLES, (hour, entry) => {
    if (hour !== lastHour) [lastHour, intervalIndex] = [hour, startsMs.filter((start) => start <= hour).length];
    const tally = tallyFor(byTeam ? entry.team : '', intervalIndex);
    FIGURES.forEach((figure, i) => (tally[figure] += entry.counts[i]!));
    addSilo(tally, entry.silo);
  });
  return { value: [...tallies.values()], readRows: rows !== undefined };
}

/**
 * The counts of the period and scope at asOf: one tally for the whole scope (none when nothing is
 * credited), or one per team credited with a figure (`byTeam`).
 */
export async function readMetricTallies(client: ClickHouseClient, query: MetricTableQuery, byTeam: boolean, options: MetricReadOptions = {}): Promise<MetricTally[]> {
  const bounds = [query.from.getTime(), query.to.getTime()];
  const name = byTeam ? 'metrics.tally-by-team' : 'metrics.tally';
  return withPlan(client, query, bounds, options.rollups ?? rollupsFromTables(client), (plan, entries) => tallyOf(client, name, query, byTeam, [bounds[0]!], plan, entries));
}

/**
 * The counts per interval of the period at asOf, in the order of `starts` (each interval ends
 * where the next starts, the last at `query.to`; `query.from` is ignored for starts[0]).
 */
export async function readMetricTrend(client: ClickHouseClient, query: MetricTableQuery & { starts: readonly Date[] }, options: MetricReadOptions = {}): Promise<TalliedCounts[]> {
  const startsMs = query.starts.map((start) => start.getTime());
  if (startsMs.length === 0) return [];
  const bounds = [...startsMs, query.to.getTime()];
  const periodQuery = { ...query, from: query.starts[0]! };
  const rows = await withPlan(client, periodQuery, bounds, options.rollups ?? rollupsFromTables(client), (plan, entries) => tallyOf(client, 'metrics.trend', periodQuery, false, startsMs, plan, entries));
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
  count: z.coerce.number().int().nonnegative(),
});
export type TransitionCount = z.infer<typeof transitionRow>;

/** Handoffs counted in the summary at asOf, per (from team, to team) with their silos; unordered. */
export async function readMetricTransitions(client: ClickHouseClient, query: MetricTableQuery, options: MetricReadOptions = {}): Promise<TransitionCount[]> {
  const bounds = [query.from.getTime(), query.to.getTime()];
  return withPlan(client, query, bounds, options.rollups ?? rollupsFromTables(client), async (plan, entries) => {
    const params = baseParams(query, false, [bounds[0]!]);
    const rows = creditedRows([ROLE.handoff], rowFilter(plan, params));
    const fromRows = rows
      ? await namedRead(
          client,
          'metrics.transitions',
          `SELECT from_silo, to_silo, from_team, to_team, sum(credited_transfers) AS count FROM (${rows}) GROUP BY from_silo, to_silo, from_team, to_team`,
          params,
          transitionRow,
        )
      : [];
    const pairs = new Map<string, TransitionCount>();
    const add = (pair: Omit<TransitionCount, 'count'>, count: number) => {
      const key = `${pair.from_silo}\u0000${pair.to_silo}\u0000${pair.from_team}\u0000${pair.to_team}`;
      const kept = pairs.get(key);
      if (kept) kept.count += count;
      else pairs.set(key, { ...pair, count });
    };
    for (const row of fromRows) add(row, row.count);
    const transfers = FIGURES.indexOf('transfers');
    entriesAtAsOf(plan, entries, query, [ROLE.handoff], (_, e) => add({ from_silo: e.fromSilo, to_silo: e.toSilo, from_team: e.fromTeam, to_team: e.toTeam }, e.counts[transfers]!));
    return { value: [...pairs.values()].filter((pair) => pair.count > 0), readRows: rows !== undefined };
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
