import type { ClickHouseClient } from '@clickhouse/client';
import type { Scope, Summary, TeamSummary, Teams, Transitions } from '@seamline/journeys';
import { byCodeUnit, ratio } from '@seamline/journeys';
import type { TableMetricParams } from './table-metrics/query.ts';
import { EMPTY_TALLY, readTallies, type Tally } from './table-metrics/tally.ts';
import { readTransitions } from './table-metrics/transitions.ts';

// SPEC's figures aggregated in ClickHouse over the stitched contacts_v1, journeys_v1 and
// handoffs_v1, instead of rebuilding the journey model from every event. The rows are computed
// from all stored events, so the figures equal summarizeJourneys / summarizeTeams /
// summarizeTransitions of @seamline/journeys exactly when no stored event lies at or after
// asOf and the rows are of the model version (org map, W, B) asked for: only maturity then
// depends on asOf, and it is decided here (mature_at <= asOf).

export type { TableMetricParams } from './table-metrics/query.ts';

/** The summary of the period and scope (SPEC "Contract"). */
export async function summaryFromTables(client: ClickHouseClient, params: TableMetricParams): Promise<Summary> {
  const [tally] = await readTallies(client, params, false);
  return toSummary(params, params.scope ?? {}, tally ?? EMPTY_TALLY);
}

/**
 * One row per team credited with at least one figure in the period (within the scope), sorted
 * by team; each equals the summary scoped to that team, with the team's smallest silo.
 */
export async function teamsFromTables(client: ClickHouseClient, params: TableMetricParams): Promise<Teams> {
  const scope = params.scope ?? {};
  const tallies = (await readTallies(client, params, true)).sort((a, b) => byCodeUnit(a.team, b.team));
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
export async function transitionsFromTables(client: ClickHouseClient, params: TableMetricParams): Promise<Transitions> {
  return readTransitions(client, params);
}

/** The counts a tally query returns, by the names the SQL gives them. */
export interface TalliedCounts {
  contacts: number;
  repeat_contacts: number;
  mature_contacts: number;
  fcr_contacts: number;
  journeys: number;
  journey_contacts: number;
  cross_silo_journeys: number;
  billing_triggered_journeys: number;
  transfers: number;
  cross_silo_transfers: number;
  bounces: number;
  cross_silo_bounces: number;
}

/** SPEC's summary figures from tallied counts: the rates as the journey model rounds them. */
export function figuresOf(t: TalliedCounts): Omit<Summary, 'from' | 'to' | 'asOf' | 'scope'> {
  return {
    contacts: t.contacts,
    repeatContacts: t.repeat_contacts,
    repeatRate: ratio(t.repeat_contacts, t.contacts),
    matureContacts: t.mature_contacts,
    fcrContacts: t.fcr_contacts,
    fcrRate: ratio(t.fcr_contacts, t.mature_contacts),
    journeys: t.journeys,
    contactsPerJourney: ratio(t.journey_contacts, t.journeys),
    crossSiloJourneys: t.cross_silo_journeys,
    crossSiloJourneyRate: ratio(t.cross_silo_journeys, t.journeys),
    billingTriggeredJourneys: t.billing_triggered_journeys,
    billingTriggeredRate: ratio(t.billing_triggered_journeys, t.journeys),
    transfers: t.transfers,
    crossSiloTransfers: t.cross_silo_transfers,
    bounces: t.bounces,
    crossSiloBounces: t.cross_silo_bounces,
  };
}

function toSummary(params: TableMetricParams, scope: Scope, t: Tally): Summary {
  return {
    from: params.from.toISOString(),
    to: params.to.toISOString(),
    asOf: params.asOf.toISOString(),
    scope: { ...(scope.team !== undefined && { team: scope.team }), ...(scope.silo !== undefined && { silo: scope.silo }) },
    ...figuresOf(t),
  };
}
