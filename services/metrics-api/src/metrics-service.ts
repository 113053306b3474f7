import type { ClickHouseClient } from '@clickhouse/client';
import { readAllEvents } from '@seamline/clickhouse';
import {
  computeSummary,
  computeTeams,
  computeTransitions,
  journeyModelVersion,
  type MetricParams,
  type OrgMap,
  type Summary,
  type Teams,
  type Transitions,
} from '@seamline/journeys';
import type { Logger } from '@seamline/log';
import type { MetricQuery } from './metric-query.ts';
import { summaryFromTables, teamsFromTables, transitionsFromTables, type TableMetricParams } from './table-metrics.ts';
import { tablesVerdict } from './table-metrics/freshness.ts';

export interface MetricWindows {
  repeatWindowMs: number;
  billingWindowMs: number;
  /** Over-merging guard of the identity graph. */
  maxIdentifiers?: number;
}

/**
 * Where a request's figures came from: the stitched contacts, journeys and handoffs tables
 * (aggregated in ClickHouse), or the journey model rebuilt from every stored event.
 */
export type MetricSource = 'tables' | 'events';

type FromTables<T> = (client: ClickHouseClient, params: TableMetricParams) => Promise<T>;
type StoredEvents = Awaited<ReturnType<typeof readAllEvents>>;
type FromEvents<T> = (events: StoredEvents, orgMap: OrgMap, params: MetricParams) => T;

/**
 * Computes SPEC's figures with the org map in force, so a changed map re-attributes history.
 * One place for the CLI and the API, so both print the same JSON. Each request reads the
 * stitched tables when they are exact for it (built with this org map and these windows, and no
 * stored event at or after asOf), else rebuilds the journeys from all events: same figures, but
 * a full scan.
 */
export function createMetricsService(client: ClickHouseClient, orgMap: () => OrgMap, windows: MetricWindows, logger?: Logger) {
  let lastSource: MetricSource | undefined;
  const params = (query: MetricQuery, now: Date): MetricParams => ({
    from: new Date(query.from),
    to: new Date(query.to),
    asOf: query.asOf ? new Date(query.asOf) : now,
    repeatWindowMs: windows.repeatWindowMs,
    billingWindowMs: windows.billingWindowMs,
    ...(windows.maxIdentifiers !== undefined && { maxIdentifiers: windows.maxIdentifiers }),
    scope: { ...(query.team && { team: query.team }), ...(query.silo && { silo: query.silo }) },
  });

  async function answer<T>(metric: string, query: MetricQuery, now: Date, fromTables: FromTables<T>, fromEvents: FromEvents<T>): Promise<T> {
    const metricParams = params(query, now);
    // One read of the map per request, so the version checked and a fallback use the same map.
    const map = orgMap();
    const modelVersion = journeyModelVersion(map, windows.repeatWindowMs, windows.billingWindowMs, windows.maxIdentifiers);
    const verdict = await tablesVerdict(client, modelVersion, metricParams.asOf);
    const source: MetricSource = verdict.exact ? 'tables' : 'events';
    logger?.debug({ metric, source, modelVersion, ...(!verdict.exact && { reason: verdict.reason }) }, 'metric source');
    const result = verdict.exact
      ? await fromTables(client, { ...metricParams, modelVersion })
      : fromEvents(await readAllEvents(client), map, metricParams);
    lastSource = source;
    return result;
  }

  return {
    /** The windows and guard the figures are computed with. */
    windows,
    async summary(query: MetricQuery, now = new Date()): Promise<Summary> {
      return answer('summary', query, now, summaryFromTables, computeSummary);
    },
    async teams(query: MetricQuery, now = new Date()): Promise<Teams> {
      return answer('teams', query, now, teamsFromTables, computeTeams);
    },
    async transitions(query: MetricQuery, now = new Date()): Promise<Transitions> {
      return answer('transitions', query, now, transitionsFromTables, computeTransitions);
    },
    /** Where the figures of the last answered request came from; undefined before the first. */
    source(): MetricSource | undefined {
      return lastSource;
    },
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
