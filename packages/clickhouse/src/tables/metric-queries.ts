import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { CONTACTS_TABLE } from './journey-tables.ts';
import { AS_OF, creditedRows, FIGURES, HOUR_MS, hourRanges, ms, NO_COUNTS, ROLE, SUMS, talliedCountsSchema, type RowFilter, type TalliedCounts } from './metric-rows.ts';
import { namedRead } from './named-query.ts';
import { rollupsFromTables, type HourEntries, type RollupEntry, type RollupReader } from './rollup-entries.ts';
import { readChangesUntil, readNextRolledChange, readRollupHours, type RollupHours } from './rollups.ts';

export { countsOf, NO_COUNTS, talliedCountsSchema, type TalliedCounts } from './metric-rows.ts';

// A question's figures: whole hours of start of its period from the rollups of changes, the rest
// from the rows (metric-rows.ts). A built hour's figures at asOf are the sum of its rows' changes at
// or before asOf: the entries of the hours of change before the hour of asOf (metric_rollup_v2),
// and the changes in the hour of asOf up to asOf (metric_changes_v1). Hours at the period's edges
// and hours without a current build are read row by row and credited at asOf. So the figures are
// those of the rows, whatever is rolled up; a store without rollups is read row by row. The
// entries are summed here, from the tables or from a memory of them (rollup-entries.ts).

/** A period, scope and asOf, read from the rows of one journey model version. */
export interface MetricTableQuery {
  from: Date;
  to: Date;
  asOf: Date;
  /** Both given: a figure must match both. */
  scope?: { team?: string; silo?: string };
  /** journeyModelVersion(orgMap, W, B) of the rows to read; rows of any other version are ignored. */
  modelVersion: string;
}

/** Which hours of a question come from the rollups, and which rows are read. */
interface HourPlan {
  /** Whole hours with a current build, and its version. */
  built: number[];
  versions: number[];
  /** Hours read row by row: at the period's edges, or without a current build. */
  rows: number[];
}

/** `bounds`: the start of each interval, then the end of the last. */
function planHours({ hours, complete }: RollupHours, bounds: readonly number[], asOfMs: number): HourPlan {
  const plan: HourPlan = { built: [], versions: [], rows: [] };
  const lo = bounds[0]!;
  const hi = bounds[bounds.length - 1]!;
  const interior = bounds.slice(1, -1);
  // Hours that start before asOf; the hour of asOf too is whole: its changes up to asOf are its figures.
  for (let hour = Math.floor(lo / HOUR_MS) * HOUR_MS; hour < Math.min(hi, asOfMs); hour += HOUR_MS) {
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
  }
  return plan;
}

/** The rows of a role a question reads, given the plan. */
function rowFilter(plan: HourPlan, params: Record<string, unknown>): (role: number) => RowFilter {
  params.rows_hours = plan.rows;
  // Granules to read (ranges may cover more hours), and exactly the rows to credit.
  const inner = hourRanges('rows', plan.rows, params);
  return () => ({ none: plan.rows.length === 0, inner, outer: 'row_hour_ms IN {rows_hours:Array(Int64)}' });
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

/** The entries of the built hours, and the changes in the hour of asOf up to asOf (by hour of start). */
interface Entries {
  byHour: ReadonlyMap<number, HourEntries>;
  recent: ReadonlyMap<number, RollupEntry[]>;
}
/** What a question computed from a plan, and whether it read rows to do so. */
type Planned<T> = { value: T; readRows: boolean };

/** The changes of the built hours that have changes in the hour of asOf, up to asOf; none read when no such hour. */
async function recentChanges(client: ClickHouseClient, query: MetricTableQuery, plan: HourPlan, byHour: ReadonlyMap<number, HourEntries>): Promise<{ recent: Map<number, RollupEntry[]>; read: boolean }> {
  const asOfMs = query.asOf.getTime();
  const changeHour = Math.floor(asOfMs / HOUR_MS) * HOUR_MS;
  const builds = new Map<number, number>();
  plan.built.forEach((hour, i) => {
    const entries = byHour.get(hour);
    if (entries && entries.lastChangeHourMs >= changeHour && entries.all.some((entry) => entry.changeHourMs === changeHour)) builds.set(hour, plan.versions[i]!);
  });
  const recent = new Map<number, RollupEntry[]>();
  for (const row of await readChangesUntil(client, query.modelVersion, asOfMs, builds)) {
    const entry: RollupEntry = {
      role: row.role,
      team: row.team,
      silo: row.silo,
      fromTeam: row.from_team,
      fromSilo: row.from_silo,
      toTeam: row.to_team,
      toSilo: row.to_silo,
      changeHourMs: changeHour,
      counts: FIGURES.map((figure) => row[figure]),
    };
    const list = recent.get(row.hour_ms);
    if (list) list.push(entry);
    else recent.set(row.hour_ms, [entry]);
  }
  return { recent, read: builds.size > 0 };
}

/**
 * Runs `run(plan, entries)` for the hours of [bounds[0], last bound): the plan from the current
 * builds of the hours, with the entries of the built ones. When it read anything from the tables
 * (entries, changes or rows), the builds are read again after it; if one changed meanwhile, again.
 */
async function withPlan<T>(client: ClickHouseClient, query: MetricTableQuery, bounds: readonly number[], rollups: RollupReader, run: (plan: HourPlan, entries: Entries) => Promise<Planned<T>>): Promise<T> {
  const fromMs = bounds[0]!;
  const toMs = Math.min(bounds[bounds.length - 1]!, query.asOf.getTime());
  const plan = (hours: RollupHours) => planHours(hours, bounds, query.asOf.getTime());
  const none: Entries = { byHour: new Map(), recent: new Map() };
  if (toMs <= fromMs) return (await run(plan({ hours: new Map(), complete: true }), none)).value;
  for (let attempt = 1; attempt <= PLAN_ATTEMPTS; attempt++) {
    const hours = await rollups.hours(query.modelVersion, fromMs, toMs);
    const planned = plan(hours);
    const entries = await rollups.entries(query.modelVersion, new Map(planned.built.map((hour, i) => [hour, planned.versions[i]!])));
    const { recent, read } = await recentChanges(client, query, planned, entries.byHour);
    const { value, readRows } = await run(planned, { byHour: entries.byHour, recent });
    if (!entries.loaded && !readRows && !read) return value;
    const now = await readRollupHours(client, query.modelVersion, fromMs, toMs);
    const changed = [...new Set([...hours.hours.keys(), ...now.hours.keys()])].filter((hour) => hours.hours.get(hour)?.version !== now.hours.get(hour)?.version);
    if (changed.length === 0 && now.complete === hours.complete) return value;
    rollups.changed(query.modelVersion, changed);
  }
  return (await run(plan({ hours: new Map(), complete: false }), none)).value;
}

/** Calls `take` for each entry of a built hour that counts at asOf, of these roles, in the scope. */
function entriesAtAsOf(plan: HourPlan, entries: Entries, query: MetricTableQuery, roles: readonly number[], take: (hour: number, entry: RollupEntry) => void): void {
  const changeHour = Math.floor(query.asOf.getTime() / HOUR_MS) * HOUR_MS;
  const { team, silo } = query.scope ?? {};
  const wanted = new Set(roles);
  const offer = (hour: number, entry: RollupEntry) => {
    if (!wanted.has(entry.role)) return;
    if ((team !== undefined && entry.team !== team) || (silo !== undefined && entry.silo !== silo)) return;
    take(hour, entry);
  };
  for (const hour of plan.built) {
    const hourEntries = entries.byHour.get(hour);
    if (!hourEntries) continue;
    if (hourEntries.lastChangeHourMs < changeHour) for (const entry of hourEntries.total) offer(hour, entry);
    else
      for (const entry of hourEntries.all) {
        if (entry.changeHourMs >= changeHour) break;
        offer(hour, entry);
      }
    for (const entry of entries.recent.get(hour) ?? []) offer(hour, entry);
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
async function tallyOf(client: ClickHouseClient, name: string, query: MetricTableQuery, byTeam: boolean, startsMs: readonly number[], plan: HourPlan, entries: Entries): Promise<Planned<MetricTally[]>> {
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
  // Per interval and key, the counts and, per silo, the rows credited to it (each row counts one
  // contact, mature contact or journey): a silo is the key's when a row of it counts at asOf.
  const byInterval = new Map<number, Map<string, { counts: number[]; silos: Map<string, number> }>>();
  const keysOf = (intervalIndex: number) => byInterval.get(intervalIndex) ?? byInterval.set(intervalIndex, new Map()).get(intervalIndex)!;
  const countsOf = (keys: ReturnType<typeof keysOf>, team: string) =>
    keys.get(team) ?? keys.set(team, { counts: FIGURES.map(() => 0), silos: new Map() }).get(team)!;
  const addRows = (silos: Map<string, number>, silo: string, rows: number) => rows !== 0 && silos.set(silo, (silos.get(silo) ?? 0) + rows);
  for (const row of fromRows) {
    const { counts, silos } = countsOf(keysOf(row.interval_index), row.team);
    FIGURES.forEach((figure, i) => (counts[i]! += row[figure]));
    for (const silo of row.silos) addRows(silos, silo, 1);
  }
  const [contacts, mature, journeys] = [FIGURES.indexOf('contacts'), FIGURES.indexOf('mature_contacts'), FIGURES.indexOf('journeys')];
  let lastHour = Number.NaN;
  let keys = keysOf(0);
  entriesAtAsOf(plan, entries, query, TALLY_ROLES, (hour, entry) => {
    if (hour !== lastHour) [lastHour, keys] = [hour, keysOf(startsMs.filter((start) => start <= hour).length)];
    const { counts, silos } = countsOf(keys, byTeam ? entry.team : '');
    const change = entry.counts;
    for (let i = 0; i < change.length; i++) counts[i]! += change[i]!;
    addRows(silos, entry.silo, change[contacts]! + change[mature]! + change[journeys]!);
  });
  const credited: MetricTally[] = [];
  for (const [intervalIndex, teams] of byInterval)
    for (const [team, { counts, silos }] of teams) {
      if (counts.every((count) => count === 0)) continue;
      const tally: MetricTally = { ...NO_COUNTS, team, interval_index: intervalIndex, silos: [...silos].filter(([, rows]) => rows > 0).map(([silo]) => silo) };
      FIGURES.forEach((figure, i) => (tally[figure] = counts[i]!));
      credited.push(tally);
    }
  return { value: credited, readRows: rows !== undefined };
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
 * asOf, and at the first maturity after asOf. With every hour built, that is the first change
 * after asOf in metric_changes_v1; else the contacts are read. Read without FINAL: an older copy
 * of a row or of a change can only make the range shorter, never longer.
 */
export async function readNextChange(client: ClickHouseClient, modelVersion: string, asOf: Date, rollups: RollupReader = rollupsFromTables(client)): Promise<number> {
  const { hours, complete } = await rollups.hours(modelVersion, 0, Number.MAX_SAFE_INTEGER);
  if (complete && ![...hours.values()].some((hour) => hour.dirty === 1)) return readNextRolledChange(client, modelVersion, asOf.getTime());
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
