import type { ClickHouseClient } from '@clickhouse/client';
import { countsOf, NO_COUNTS, readMetricTallies, readMetricTransitions, type MetricReadOptions, type MetricTableQuery, type TalliedCounts } from '@seamline/clickhouse';
import type { Figures, Scope, Summary, TeamSummary, Teams, Transitions } from '@seamline/journeys';
import { byCodeUnit, figuresOf, summaryOf, transitionsOf } from '@seamline/journeys';

// The figures of docs/metrics.md aggregated in ClickHouse over the stitched contacts_v2 and journeys_v2,
// instead of rebuilding the journey model from every event. The rows are computed from all
// stored events and hold what an earlier asOf needs, so the figures equal summarizeJourneys /
// summarizeTeams / summarizeTransitions of @seamline/journeys at any asOf, for rows of the model
// version (org map, W, B) asked for.

export type TableMetricParams = MetricTableQuery;

/** The summary of the period and scope. */
export async function summaryFromTables(client: ClickHouseClient, params: TableMetricParams, options: MetricReadOptions = {}): Promise<Summary> {
  const [tally] = await readMetricTallies(client, params, false, options);
  return toSummary(params, params.scope ?? {}, tally ?? NO_COUNTS);
}

/**
 * One row per team credited with at least one figure in the period (within the scope), sorted
 * by team; each equals the summary scoped to that team, with the team's smallest silo.
 */
export async function teamsFromTables(client: ClickHouseClient, params: TableMetricParams, options: MetricReadOptions = {}): Promise<Teams> {
  const scope = params.scope ?? {};
  const tallies = (await readMetricTallies(client, params, true, options)).sort((a, b) => byCodeUnit(a.team, b.team));
  const teams = tallies.map(
    (tally): TeamSummary => ({
      team: tally.team,
      silo: [...tally.silos].sort(byCodeUnit)[0]!,
      ...toSummary(params, { ...scope, team: tally.team }, tally),
    }),
  );
  return { teams };
}

/** Handoffs (transfers and bounces) counted in the summary, per silo pair and per team pair. */
export async function transitionsFromTables(client: ClickHouseClient, params: TableMetricParams, options: MetricReadOptions = {}): Promise<Transitions> {
  const rows = await readMetricTransitions(client, params, options);
  return transitionsOf(rows, (row) => [row.from_silo, row.to_silo], (row) => [row.from_team, row.to_team], (row) => row.count);
}

/** The summary's figures from the counts tallied in ClickHouse. */
export function figuresOfTallied(t: TalliedCounts): Figures {
  return figuresOf(countsOf(t));
}

function toSummary(params: TableMetricParams, scope: Scope, t: TalliedCounts): Summary {
  return summaryOf(params.from, params.to, params.asOf.toISOString(), scope, countsOf(t));
}
