import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { CONTACTS_TABLE, JOURNEYS_TABLE } from './journeys.ts';
import { namedRead } from './named-query.ts';

// SPEC "Attribution and rates" over contacts_v2 and journeys_v2, at any asOf. The rows are
// computed from every stored event; each holds what an earlier asOf needs (see
// migrations/011_as_of_tables.sql and as-of.ts of @seamline/journeys), so every figure below is
// the figure of the model built at asOf:
// - a contact counts when it starts before asOf; its legs are those before asOf, which give its
//   transfers and its final team; a bounce into it comes from the previous contact's final team
//   at asOf; it is resolved at first contact unless its next contact starts before asOf and
//   within W (resolved_first_contact says whether it starts within W);
// - a journey's contacts are those that start before asOf; it is cross-silo when an odd number
//   of its flips lie before asOf.
// Values are bound as query parameters, never spliced; instants go as epoch milliseconds, so any
// Date works, also one beyond DateTime64's range (an asOf of 9999-01-01).

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

const count = z.coerce.number().int().nonnegative();

/** The counts behind SPEC's summary figures, as the tally query names them. */
export const talliedCountsSchema = z.object({
  contacts: count,
  repeat_contacts: count,
  transfers: count,
  cross_silo_transfers: count,
  mature_contacts: count,
  fcr_contacts: count,
  journeys: count,
  journey_contacts: count,
  cross_silo_journeys: count,
  billing_triggered_journeys: count,
  bounces: count,
  cross_silo_bounces: count,
});
export type TalliedCounts = z.infer<typeof talliedCountsSchema>;
type Figure = keyof TalliedCounts;
const FIGURES = Object.keys(talliedCountsSchema.shape) as Figure[];
export const NO_COUNTS: TalliedCounts = talliedCountsSchema.parse(Object.fromEntries(FIGURES.map((figure) => [figure, 0])));

const AS_OF = '{as_of_ms:Int64}';
const before = (column: string) => `toUnixTimestamp64Milli(${column}) < ${AS_OF}`;
/** How many of the instants in an array column lie before asOf. */
const countBefore = (column: string) => `arrayCount(t -> toUnixTimestamp64Milli(t) < ${AS_OF}, ${column})`;
/** The instant in `column` lies in [from, to) and before asOf. */
const startsInPeriod = (column: string) =>
  `toUnixTimestamp64Milli(${column}) >= {from_ms:Int64} AND toUnixTimestamp64Milli(${column}) < least({to_ms:Int64}, ${AS_OF})`;
/** The team and silo match the scope (an absent key matches anything). */
const inScope = (team: string, silo: string) =>
  `({has_team:UInt8} = 0 OR ${team} = {team:String}) AND ({has_silo:UInt8} = 0 OR ${silo} = {silo:String})`;
const LIVE_ROWS = 'model_version = {model_version:String} AND is_deleted = 0';

// A contact's legs before asOf, and the previous contact's: how many, as column aliases.
const LEGS_NOW = `${countBefore('legs_at')} AS legs_now`;
const PREVIOUS_LEGS_NOW = `${countBefore('previous_legs_at')} AS previous_legs_now`;
const BOUNCE = 'is_repeat = 1 AND previous_legs_now > 0 AND previous_legs_team[previous_legs_now] != first_team';

/**
 * One branch of the union: live rows of `table` that start in the period, credited to the key of
 * the (team, silo) expressions when those are in scope. Figures not named are 0, so every branch
 * has the same columns; `extra.select` adds aliases the expressions use. Aliases differ from
 * column names: in ClickHouse an alias shadows a column of the same name (journeys_v2 has
 * `contacts`).
 */
function credit(table: string, start: string, team: string, silo: string, credited: Partial<Record<Figure, string>>, extra: { select?: string; where?: string } = {}): string {
  const columns = FIGURES.map((figure) => `toUInt64(${credited[figure] ?? '0'}) AS credited_${figure}`).join(', ');
  return `SELECT if({by_team:UInt8} = 1, ${team}, '') AS key_team, ${silo} AS key_silo,
      arrayCount(s -> s <= toUnixTimestamp64Milli(${start}), {starts_ms:Array(Int64)}) AS interval_index, ${columns}
    FROM (SELECT *${extra.select ? `, ${extra.select}` : ''} FROM ${table} FINAL WHERE ${LIVE_ROWS} AND ${startsInPeriod(start)})
    WHERE ${inScope(team, silo)}${extra.where ? ` AND ${extra.where}` : ''}`;
}

const TALLY_SQL = `
SELECT key_team AS team, interval_index, groupUniqArray(key_silo) AS silos,
  ${FIGURES.map((figure) => `sum(credited_${figure}) AS ${figure}`).join(', ')}
FROM (
  -- contacts that start in the period, by first team, with their transfers and the bounce into them
  ${credit(CONTACTS_TABLE, 'start', 'first_team', 'first_silo', {
    contacts: '1',
    repeat_contacts: 'is_repeat',
    transfers: 'legs_now - 1',
    cross_silo_transfers: 'arrayCount(i -> i > 1 AND i <= legs_now AND legs_silo[i] != legs_silo[i - 1], arrayEnumerate(legs_silo))',
    bounces: BOUNCE,
    cross_silo_bounces: `${BOUNCE} AND previous_legs_silo[previous_legs_now] != first_silo`,
  }, { select: `${LEGS_NOW}, ${PREVIOUS_LEGS_NOW}` })}
  UNION ALL
  -- mature contacts that start in the period, by their final team at asOf
  ${credit(CONTACTS_TABLE, 'start', 'legs_team[legs_now]', 'legs_silo[legs_now]', {
    mature_contacts: '1',
    fcr_contacts: `resolved_first_contact = 1 OR isNull(next_start) OR NOT ${before('assumeNotNull(next_start)')}`,
  }, { select: LEGS_NOW, where: `toUnixTimestamp64Milli(mature_at) <= ${AS_OF}` })}
  UNION ALL
  -- journeys that start in the period, by the first team of their first contact
  ${credit(JOURNEYS_TABLE, 'start', 'first_team', 'first_silo', {
    journeys: '1',
    journey_contacts: countBefore('contact_starts'),
    cross_silo_journeys: `${countBefore('cross_silo_flips')} % 2`,
    billing_triggered_journeys: "billing_trigger_type != ''",
  })}
)
GROUP BY team, interval_index`;

const tallyRow = talliedCountsSchema.extend({ team: z.string(), interval_index: count, silos: z.array(z.string()) });
/** What one key is credited with: `team` is '' unless by team; `interval_index` is 1-based. */
export type MetricTally = z.infer<typeof tallyRow>;

function queryParams(query: MetricTableQuery, byTeam: boolean, startsMs: readonly number[]): Record<string, unknown> {
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

/**
 * The counts of the period and scope at asOf: one tally for the whole scope (none when nothing is
 * credited), or one per team credited with a figure (`byTeam`).
 */
export async function readMetricTallies(client: ClickHouseClient, query: MetricTableQuery, byTeam: boolean): Promise<MetricTally[]> {
  const name = byTeam ? 'metrics.tally-by-team' : 'metrics.tally';
  return namedRead(client, name, TALLY_SQL, queryParams(query, byTeam, [query.from.getTime()]), tallyRow);
}

/**
 * The counts per interval of the period at asOf, in the order of `starts` (each interval ends
 * where the next starts, the last at `query.to`; `query.from` is ignored for starts[0]).
 */
export async function readMetricTrend(client: ClickHouseClient, query: MetricTableQuery & { starts: readonly Date[] }): Promise<TalliedCounts[]> {
  const startsMs = query.starts.map((start) => start.getTime());
  if (startsMs.length === 0) return [];
  const params = queryParams({ ...query, from: query.starts[0]! }, false, startsMs);
  const rows = await namedRead(client, 'metrics.trend', TALLY_SQL, params, tallyRow);
  const byInterval = startsMs.map((): TalliedCounts => ({ ...NO_COUNTS }));
  for (const { interval_index, team: _team, silos: _silos, ...counts } of rows) {
    if (interval_index >= 1 && interval_index <= byInterval.length) byInterval[interval_index - 1] = counts;
  }
  return byInterval;
}

// The transition matrix: the transfers and bounces the summary counts at asOf (those of contacts
// that start in the period with their first team in scope), per team pair with their silos.
const TRANSITIONS_SQL = `
SELECT from_silo, to_silo, from_team, to_team, count() AS count
FROM (
  SELECT legs_team[i - 1] AS from_team, legs_silo[i - 1] AS from_silo, legs_team[i] AS to_team, legs_silo[i] AS to_silo
  FROM ${CONTACTS_TABLE} FINAL ARRAY JOIN arrayEnumerate(legs_at) AS i
  WHERE ${LIVE_ROWS} AND ${startsInPeriod('start')} AND ${inScope('first_team', 'first_silo')}
    AND i > 1 AND ${before('legs_at[i]')}
  UNION ALL
  SELECT previous_legs_team[previous_legs_now] AS from_team, previous_legs_silo[previous_legs_now] AS from_silo, first_team AS to_team, first_silo AS to_silo
  FROM (
    SELECT ${PREVIOUS_LEGS_NOW}, previous_legs_team, previous_legs_silo, first_team, first_silo, is_repeat
    FROM ${CONTACTS_TABLE} FINAL
    WHERE ${LIVE_ROWS} AND is_repeat = 1 AND ${startsInPeriod('start')} AND ${inScope('first_team', 'first_silo')}
  )
  WHERE ${BOUNCE}
)
GROUP BY from_silo, to_silo, from_team, to_team`;

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
  return namedRead(client, 'metrics.transitions', TRANSITIONS_SQL, queryParams(query, false, [query.from.getTime()]), transitionRow);
}

/**
 * The end (exclusive, epoch ms) of the asOf range from `asOf` on in which every answer from these
 * rows equals the answer at `asOf`, or Infinity. An answer at asOf counts events before asOf and
 * contacts mature at asOf; so it changes just after the first contact start or leg at or after
 * asOf, and at the first maturity after asOf. Read without FINAL: an older copy of a row can only
 * make the range shorter, never longer.
 */
export async function readNextChange(client: ClickHouseClient, modelVersion: string, asOf: Date): Promise<number> {
  const ms = (column: string) => `toUnixTimestamp64Milli(${column})`;
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
