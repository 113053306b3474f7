import type { ClickHouseClient } from '@clickhouse/client';
import { readAllEvents } from '@seamline/clickhouse';
import {
  computeSummary,
  computeTeams,
  computeTransitions,
  type MetricParams,
  type OrgMap,
  type Summary,
  type Teams,
  type Transitions,
} from '@seamline/journeys';
import type { MetricQuery } from './metric-query.ts';

export interface MetricWindows {
  repeatWindowMs: number;
  billingWindowMs: number;
  /** Over-merging guard of the identity graph. */
  maxIdentifiers?: number;
}

/**
 * Computes SPEC's figures from the stored events with the org map in force, so a changed map
 * re-attributes history. One place for the CLI and the API, so both print the same JSON.
 */
export function createMetricsService(client: ClickHouseClient, orgMap: () => OrgMap, windows: MetricWindows) {
  const params = (query: MetricQuery, now: Date): MetricParams => ({
    from: new Date(query.from),
    to: new Date(query.to),
    asOf: query.asOf ? new Date(query.asOf) : now,
    repeatWindowMs: windows.repeatWindowMs,
    billingWindowMs: windows.billingWindowMs,
    ...(windows.maxIdentifiers !== undefined && { maxIdentifiers: windows.maxIdentifiers }),
    scope: { ...(query.team && { team: query.team }), ...(query.silo && { silo: query.silo }) },
  });
  return {
    async summary(query: MetricQuery, now = new Date()): Promise<Summary> {
      return computeSummary(await readAllEvents(client), orgMap(), params(query, now));
    },
    async teams(query: MetricQuery, now = new Date()): Promise<Teams> {
      return computeTeams(await readAllEvents(client), orgMap(), params(query, now));
    },
    async transitions(query: MetricQuery, now = new Date()): Promise<Transitions> {
      return computeTransitions(await readAllEvents(client), orgMap(), params(query, now));
    },
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
