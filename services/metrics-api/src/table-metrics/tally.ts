import type { ClickHouseClient } from '@clickhouse/client';
import { CONTACTS_TABLE, HANDOFFS_TABLE, JOURNEYS_TABLE } from '@seamline/clickhouse';
import { z } from 'zod';
import { inScope, liveRowsOfVersion, namedQuery, queryParams, startsInPeriod, type TableMetricParams } from './query.ts';

// SPEC "Attribution and rates" over the stitched tables, as `tally` in @seamline/journeys counts
// them over the model: each row below credits one attribution key (the whole scope, or one
// team) with some figures, and ClickHouse sums them per key.

const count = z.coerce.number().int().nonnegative();

/** The figures one attribution key is credited with, as the tally query returns them. */
const figures = z.object({
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
type Figure = keyof typeof figures.shape;
const FIGURES = Object.keys(figures.shape) as Figure[];

/**
 * One branch of the union: rows of `table` that pass `where`, credited to the key of their
 * (team, silo) columns when those are in scope. Figures not named are 0, so every branch has
 * the same columns in the same order. The aliases differ from column names on purpose: in
 * ClickHouse an alias shadows a column of the same name (journeys_v1 has `contacts`).
 */
function credit(table: string, team: string, silo: string, credited: Partial<Record<Figure, string>>, where: string): string {
  const columns = FIGURES.map((figure) => `toUInt64(${credited[figure] ?? '0'}) AS credited_${figure}`).join(', ');
  return `SELECT if({by_team:UInt8} = 1, ${team}, '') AS team, ${silo} AS silo, ${columns}
    FROM ${table} FINAL
    WHERE ${liveRowsOfVersion} AND ${where} AND ${inScope(team, silo)}`;
}

const TALLY_SQL = `
SELECT team, groupUniqArray(silo) AS silos, ${FIGURES.map((figure) => `sum(credited_${figure}) AS ${figure}`).join(', ')}
FROM (
  -- contacts that start in the period, by first team, with their transfers
  ${credit(CONTACTS_TABLE, 'first_team', 'first_silo', { contacts: '1', repeat_contacts: 'is_repeat', transfers: 'transfers', cross_silo_transfers: 'cross_silo_transfers' }, startsInPeriod('start'))}
  UNION ALL
  -- mature contacts that start in the period, by final team
  ${credit(CONTACTS_TABLE, 'final_team', 'final_silo', { mature_contacts: '1', fcr_contacts: 'resolved_first_contact' }, `${startsInPeriod('start')} AND toUnixTimestamp64Milli(mature_at) <= {as_of_ms:Int64}`)}
  UNION ALL
  -- journeys that start in the period, by the first team of their first contact
  ${credit(JOURNEYS_TABLE, 'first_team', 'first_silo', { journeys: '1', journey_contacts: 'contacts', cross_silo_journeys: 'cross_silo', billing_triggered_journeys: "billing_trigger_type != ''" }, startsInPeriod('start'))}
  UNION ALL
  -- bounces into a contact counted above, by that contact's first team
  ${credit(HANDOFFS_TABLE, 'contact_first_team', 'contact_first_silo', { bounces: '1', cross_silo_bounces: 'cross_silo' }, `kind = 'bounce' AND ${startsInPeriod('contact_start')}`)}
)
GROUP BY team`;

const tallyRow = figures.extend({ team: z.string(), silos: z.array(z.string()) });

/** What one attribution key is credited with; `team` is '' when the key is the whole scope. */
export type Tally = z.infer<typeof tallyRow>;

export const EMPTY_TALLY: Tally = tallyRow.parse({ team: '', silos: [], ...Object.fromEntries(FIGURES.map((figure) => [figure, 0])) });

/**
 * The figures of the period and scope, one tally per team when `byTeam`, else at most one for
 * the whole scope (none when nothing is credited).
 */
export async function readTallies(client: ClickHouseClient, params: TableMetricParams, byTeam: boolean): Promise<Tally[]> {
  const name = byTeam ? 'metrics.tally-by-team' : 'metrics.tally';
  const rows = await namedQuery(client, name, TALLY_SQL, queryParams(params, byTeam));
  return rows.map((row) => tallyRow.parse(row));
}
