import { z } from 'zod';
import { COUNT_NAMES, CREDITED_TEAM, type CountName, type CountedUnit, type Counts } from '@seamline/journeys';
import { CONTACTS_TABLE, JOURNEYS_TABLE, LIVE_ROWS } from './journey-tables.ts';

// docs/metrics.md "Attribution and rates" over the rows of contacts_v2 and journeys_v2, at any asOf: one SQL
// shape for every use (a question's rows, and the builds of the rollups). The rows are
// computed from every stored event; each holds what an earlier asOf needs (see
// migrations/011_as_of_tables.sql and as-of.ts of @seamline/journeys), so each credited figure
// below is the figure of the model built at {as_of_ms}:
// - a contact counts when it starts before asOf; its legs are those before asOf, which give its
//   transfers and its final team; a bounce into it comes from the previous contact's final team
//   at asOf; it is resolved at first contact unless its next contact starts before asOf and
//   within W (resolved_first_contact says whether it starts within W);
// - a journey's contacts are those that start before asOf; it is cross-silo when an odd number
//   of its flips lie before asOf.
// Each branch gives a row its role (what it is credited as), the hour of its start and the
// instants its credit changes at: between two of them it is the same at every asOf.
// Values are bound as query parameters, never spliced; instants go as epoch milliseconds, so any
// Date works, also one beyond DateTime64's range (an asOf of 9999-01-01).

const count = z.coerce.number().int().nonnegative();

/** A count's column: its name in snake case (repeatContacts: repeat_contacts). */
type Column<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Column<T>}` : S;
export type Figure = Column<CountName>;
const columnOf = <S extends CountName>(name: S) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) as Column<S>;
/** The columns of the counts, in the order of COUNT_NAMES (the order of the rollup tables' columns). */
export const FIGURES: readonly Figure[] = COUNT_NAMES.map(columnOf);

/** The counts behind the summary's figures, as the queries name them. */
export const talliedCountsSchema = z.object(Object.fromEntries(FIGURES.map((figure) => [figure, count])) as Record<Figure, typeof count>);
export type TalliedCounts = z.infer<typeof talliedCountsSchema>;
export const NO_COUNTS: TalliedCounts = talliedCountsSchema.parse(Object.fromEntries(FIGURES.map((figure) => [figure, 0])));

/** The counts of @seamline/journeys from the tallied columns. */
export function countsOf(tallied: Readonly<TalliedCounts>): Counts {
  return Object.fromEntries(COUNT_NAMES.map((name, i) => [name, tallied[FIGURES[i]!]])) as Counts;
}

/** What a row is credited as (metric_changes_v1.role). */
export const ROLE = { contact: 1, mature: 2, journey: 3, handoff: 4 } as const;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const AS_OF = '{as_of_ms:Int64}';
export const ms = (column: string) => `toUnixTimestamp64Milli(${column})`;
const before = (column: string, asOf: string) => `${ms(column)} < ${asOf}`;
/** How many of the instants in an array column lie before asOf. */
const countBefore = (column: string, asOf: string) => `arrayCount(t -> ${ms('t')} < ${asOf}, ${column})`;
/** The hour (epoch ms) an instant column lies in. */
export const hourOf = (column: string) => `intDiv(${ms(column)}, ${HOUR_MS}) * ${HOUR_MS}`;
/** Most ranges of start a row filter names: more make a query slow to analyse. */
const MAX_RANGES = 16;

/**
 * `start` in ranges that cover these hours (and maybe hours between them: the ranges are for
 * skipping granules, a caller filters exactly), with bound parameters `<name>_<i>_from|to`; '0'
 * when there are no hours. Consecutive hours make one range; then the closest ranges are joined
 * until at most MAX_RANGES are left.
 */
export function hourRanges(name: string, hours: readonly number[], params: Record<string, unknown>): string {
  const ranges: [number, number][] = [];
  for (const hour of [...hours].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1];
    if (last && last[1] === hour) last[1] = hour + HOUR_MS;
    else ranges.push([hour, hour + HOUR_MS]);
  }
  while (ranges.length > MAX_RANGES) {
    let closest = 1;
    for (let i = 2; i < ranges.length; i++) if (ranges[i]![0] - ranges[i - 1]![1] < ranges[closest]![0] - ranges[closest - 1]![1]) closest = i;
    ranges[closest - 1]![1] = ranges[closest]![1];
    ranges.splice(closest, 1);
  }
  if (ranges.length === 0) return '0';
  return ranges
    .map(([from, to], i) => {
      params[`${name}_${i}_from`] = from;
      params[`${name}_${i}_to`] = to;
      return `(${ms('start')} >= {${name}_${i}_from:Int64} AND ${ms('start')} < {${name}_${i}_to:Int64})`;
    })
    .join(' OR ');
}

/** The team and silo match the scope (an absent key matches anything). */
export const inScope = (team: string, silo: string) =>
  `({has_team:UInt8} = 0 OR ${team} = {team:String}) AND ({has_silo:UInt8} = 0 OR ${silo} = {silo:String})`;
/** The instant in `column` lies in [from, to) and before asOf. */
const startsInPeriod = (column: string) => `${ms(column)} >= {from_ms:Int64} AND ${ms(column)} < least({to_ms:Int64}, ${AS_OF})`;

// The instants (epoch ms, sorted, each once) from which a row's credit at an asOf may change: an
// asOf at or after one and before the next sees the same credit. Every row starts counting just
// after its start. Then, for each branch: a contact's transfers change just after each of its
// legs, and the bounce into it after each leg of the previous contact; a mature contact counts
// from maturity, moves with each leg, and stops being resolved when its next contact starts (if
// within W); a journey changes after each of its contacts' starts and each cross-silo flip; a
// transfer counts from just after its leg. Instants before the start change nothing.
const after = (column: string) => `arrayMap(t -> ${ms('t')} + 1, ${column})`;
const changesOf = (...instants: string[]) => `arraySort(arrayDistinct(arrayFilter(c -> c > ${ms('start')}, arrayConcat([${ms('start')} + 1], ${instants.join(', ')}))))`;
const NEXT_START = `if(resolved_first_contact = 0 AND isNotNull(next_start), [${ms('assumeNotNull(next_start)')} + 1], [])`;

const legsNow = (asOf: string) => `${countBefore('legs_at', asOf)} AS legs_now`;
const previousLegsNow = (asOf: string) => `${countBefore('previous_legs_at', asOf)} AS previous_legs_now`;
const BOUNCE = 'is_repeat = 1 AND previous_legs_now > 0 AND previous_legs_team[previous_legs_now] != first_team';

interface Branch {
  role: number;
  /** What the branch's rows count: it decides the team they are credited to (CREDITED_TEAM). */
  unit: CountedUnit;
  table: string;
  /** The instants the row's credit changes at (see changesOf). */
  changes: string;
  /** Team and silo the row is credited to (and scoped by): the unit's credited team. */
  team: string;
  silo: string;
  credited: Partial<Record<Figure, string>>;
  /** Aliases the expressions use, computed per row. */
  select?: string;
  where?: string;
  /** Handoffs: the pair, and the array join that gives one row per transfer. */
  pair?: { fromTeam: string; fromSilo: string; toTeam: string; toSilo: string };
  arrayJoin?: string;
}

/**
 * The columns of the team a unit is credited to (CREDITED_TEAM): a row's first team, or its
 * final team at asOf, the team of its last leg before asOf (legs_now, which such a branch selects).
 */
const CREDITED_COLUMNS = {
  firstTeam: { team: 'first_team', silo: 'first_silo' },
  finalTeam: { team: 'legs_team[legs_now]', silo: 'legs_silo[legs_now]' },
} as const;

/** The branches, crediting each row as of the instant (epoch ms) `asOf` evaluates to. */
const branchesAt = (asOf: string): Branch[] => branchDefinitions(asOf).map((b) => ({ ...b, ...CREDITED_COLUMNS[CREDITED_TEAM[b.unit]] }));

/**
 * Each branch's unit and the counts it credits, for a check that every count is credited only by
 * branches of the unit COUNTED gives it (a handoff branch credits one transfer per pair).
 */
export function branchCredits(): { role: number; unit: CountedUnit; counts: CountName[] }[] {
  return branchDefinitions(AS_OF).map((b) => ({ role: b.role, unit: b.unit, counts: COUNT_NAMES.filter((name, i) => b.credited[FIGURES[i]!] !== undefined) }));
}

const branchDefinitions = (asOf: string): Omit<Branch, 'team' | 'silo'>[] => [
  {
    // contacts that start in the period, by first team, with their transfers and the bounce into them
    role: ROLE.contact,
    unit: 'contact',
    table: CONTACTS_TABLE,
    changes: changesOf(after('legs_at'), after('previous_legs_at')),
    credited: {
      contacts: '1',
      repeat_contacts: 'is_repeat',
      transfers: 'legs_now - 1',
      cross_silo_transfers: 'arrayCount(i -> i > 1 AND i <= legs_now AND legs_silo[i] != legs_silo[i - 1], arrayEnumerate(legs_silo))',
      bounces: BOUNCE,
      cross_silo_bounces: `${BOUNCE} AND previous_legs_silo[previous_legs_now] != first_silo`,
    },
    select: `${legsNow(asOf)}, ${previousLegsNow(asOf)}`,
  },
  {
    // mature contacts that start in the period, by their final team at asOf
    role: ROLE.mature,
    unit: 'matureContact',
    table: CONTACTS_TABLE,
    changes: changesOf(after('legs_at'), NEXT_START, `[${ms('mature_at')}]`),
    credited: { mature_contacts: '1', fcr_contacts: `resolved_first_contact = 1 OR isNull(next_start) OR NOT ${before('assumeNotNull(next_start)', asOf)}` },
    select: legsNow(asOf),
    where: `${ms('mature_at')} <= ${asOf}`,
  },
  {
    // journeys that start in the period, by the first team of their first contact
    role: ROLE.journey,
    unit: 'journey',
    table: JOURNEYS_TABLE,
    changes: changesOf(after('contact_starts'), after('cross_silo_flips')),
    credited: {
      journeys: '1',
      journey_contacts: countBefore('contact_starts', asOf),
      cross_silo_journeys: `${countBefore('cross_silo_flips', asOf)} % 2`,
      billing_triggered_journeys: "billing_trigger_type != ''",
    },
  },
  {
    // transfers before asOf of contacts that start in the period, by the contact's first team
    role: ROLE.handoff,
    unit: 'contact',
    table: CONTACTS_TABLE,
    changes: changesOf(`[${ms('legs_at[leg]')} + 1]`),
    credited: { transfers: '1' },
    arrayJoin: 'arrayEnumerate(legs_at) AS leg',
    where: `leg > 1 AND ${before('legs_at[leg]', asOf)}`,
    pair: { fromTeam: 'legs_team[leg - 1]', fromSilo: 'legs_silo[leg - 1]', toTeam: 'legs_team[leg]', toSilo: 'legs_silo[leg]' },
  },
  {
    // the bounce into a contact that starts in the period, by the contact's first team
    role: ROLE.handoff,
    unit: 'contact',
    table: CONTACTS_TABLE,
    changes: changesOf(after('previous_legs_at')),
    credited: { transfers: '1' },
    select: previousLegsNow(asOf),
    where: BOUNCE,
    pair: { fromTeam: 'previous_legs_team[previous_legs_now]', fromSilo: 'previous_legs_silo[previous_legs_now]', toTeam: 'first_team', toSilo: 'first_silo' },
  },
];

/**
 * Which rows of a branch to take: `inner` over the table's columns (a condition on `start` there
 * lets ClickHouse skip granules), `outer` also over `row_hour_ms`.
 */
export interface RowFilter {
  inner?: string;
  outer?: string;
  /** No row of the branch is wanted: leave it out. */
  none?: boolean;
}

/**
 * A branch's credited rows from `source` (its table's rows; `joined`: with its array join done),
 * and `columns` besides.
 */
function branchRows(b: Branch, source: string, columns: string, where: string, joined = false): string {
  const figures = FIGURES.map((figure) => `toUInt64(${b.credited[figure] ?? '0'}) AS credited_${figure}`).join(', ');
  const pair = b.pair ?? { fromTeam: "''", fromSilo: "''", toTeam: "''", toSilo: "''" };
  return `SELECT toUInt8(${b.role}) AS role, if({by_team:UInt8} = 1, ${b.team}, '') AS key_team, toString(${b.silo}) AS key_silo,
      toString(${pair.fromTeam}) AS from_team, toString(${pair.fromSilo}) AS from_silo, toString(${pair.toTeam}) AS to_team, toString(${pair.toSilo}) AS to_silo,
      row_hour_ms, ${columns}, ${figures}
    FROM (SELECT *, ${[b.select, `${hourOf('start')} AS row_hour_ms`].filter(Boolean).join(', ')} FROM (${source}))
    ${b.arrayJoin && !joined ? `ARRAY JOIN ${b.arrayJoin}` : ''}
    WHERE ${inScope(b.team, b.silo)}${b.where ? ` AND ${b.where}` : ''} AND (${where})`;
}

/**
 * The live rows of the given roles that start in the period, each with what it is credited with
 * at asOf: role, key_team (the team, or '' unless {by_team:UInt8}), key_silo, the handoff pair
 * (role 4), row_start_ms, row_hour_ms and credited_<figure> for every figure.
 * `filter(role)` adds conditions per branch, or leaves it out; undefined when none is left.
 * Aliases differ from column names: in ClickHouse an alias shadows a column of the same name
 * (journeys_v2 has `contacts`).
 */
export function creditedRows(roles: readonly number[], filter: (role: number) => RowFilter = () => ({})): string | undefined {
  const branches = branchesAt(AS_OF).filter((branch) => roles.includes(branch.role) && !filter(branch.role).none);
  if (branches.length === 0) return undefined;
  return branches
    .map((b) => {
      const { inner = '1', outer = '1' } = filter(b.role);
      const source = `SELECT * FROM ${b.table} FINAL WHERE ${LIVE_ROWS} AND ${startsInPeriod('start')} AND (${inner})`;
      return branchRows(b, source, `${ms('start')} AS row_start_ms`, outer);
    })
    .join('\nUNION ALL\n');
}

/**
 * The credit of each live row of the given roles that starts in [from, to) (and matches `inner`),
 * per stretch of asOf in which it stays the same: the columns of creditedRows but row_start_ms,
 * with credited_<figure> for an asOf in [change_from, change_to) (change_to 0: from change_from
 * on). A row with no credit in a stretch (not mature yet, say) has no row for it.
 */
export function creditedChanges(roles: readonly number[], inner: string): string | undefined {
  const branches = branchesAt('change_from').filter((branch) => roles.includes(branch.role));
  if (branches.length === 0) return undefined;
  return branches
    .map((b) => {
      const rows = `SELECT * FROM ${b.table} FINAL WHERE ${LIVE_ROWS} AND ${ms('start')} >= {from_ms:Int64} AND ${ms('start')} < {to_ms:Int64} AND (${inner})`;
      // An alias of an array join is left out of `*`: named, it is kept.
      const joined = b.arrayJoin ? `SELECT *, ${b.arrayJoin.split(' AS ')[1]} FROM (${rows}) ARRAY JOIN ${b.arrayJoin}` : rows;
      const source = `SELECT *, changes[i] AS change_from, changes[i + 1] AS change_to FROM (SELECT *, ${b.changes} AS changes FROM (${joined})) ARRAY JOIN arrayEnumerate(changes) AS i`;
      return branchRows(b, source, 'change_from, change_to', '1', true);
    })
    .join('\nUNION ALL\n');
}

/** Sums of credited_<figure> as <figure>, for a GROUP BY over creditedRows. */
export const SUMS = FIGURES.map((figure) => `sum(credited_${figure}) AS ${figure}`).join(', ');
