import type { ClickHouseClient } from '@clickhouse/client';
import { createRollupMemory, readAllEvents, readMetricTrend, type MetricReadOptions } from '@seamline/clickhouse';
import {
  buildJourneys,
  computeSummary,
  computeTeams,
  computeTransitions,
  journeyModelVersion,
  type Figures,
  type MetricParams,
  summarizeJourneys,
  type OrgMap,
  type Summary,
  type Teams,
  type Transitions,
} from '@seamline/journeys';
import type { Logger } from '@seamline/log';
import type { MetricQuery } from './metric-query.ts';
import { figuresOfTallied, summaryFromTables, teamsFromTables, transitionsFromTables, type TableMetricParams } from './table-metrics.ts';
import { createAnswerCache, stateKey } from './answer-cache.ts';
import { readStoredState, verdictOf, type StoredState } from './freshness.ts';

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

type FromTables<T> = (client: ClickHouseClient, params: TableMetricParams, options: MetricReadOptions) => Promise<T>;
type StoredEvents = Awaited<ReturnType<typeof readAllEvents>>;
type FromEvents<T> = (events: StoredEvents, orgMap: OrgMap, params: MetricParams) => T;

/** Told where one answer's figures came from (a response header, a log line). */
export type SourceReport = (source: MetricSource) => void;

/**
 * Computes the figures of docs/metrics.md with the org map in force, so a changed map re-attributes history.
 * One place for the CLI and the API, so both print the same JSON. Each request reads the
 * stitched tables, at any asOf, when they were built with this org map and these windows; until
 * the stitcher has rebuilt them after a change, it rebuilds the journeys from all events: same
 * figures, but a full scan.
 */
export function createMetricsService(
  client: ClickHouseClient,
  orgMap: () => OrgMap,
  windows: MetricWindows,
  logger?: Logger,
  options: { cacheEntries?: number; rollupEntries?: number } = {},
) {
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

  const cache = createAnswerCache(client, options.cacheEntries);
  // The rollup entries of the hours asked about, kept while the tables are unchanged.
  const rollups = createRollupMemory(client, options.rollupEntries);
  // Requests that arrive while the state is being read share that read.
  let stateRead: Promise<StoredState> | undefined;
  const currentState = () => {
    stateRead ??= readStoredState(client).finally(() => (stateRead = undefined));
    return stateRead;
  };

  async function answer<T>(
    metric: string,
    query: MetricQuery,
    now: Date,
    fromTables: FromTables<T>,
    fromEvents: FromEvents<T>,
    stamp: (value: T, asOf: string) => T,
    report: SourceReport | undefined,
  ): Promise<T> {
    const metricParams = params(query, now);
    // One read of the map per request, so the version checked and a fallback use the same map.
    const map = orgMap();
    const modelVersion = journeyModelVersion(map, windows.repeatWindowMs, windows.billingWindowMs, windows.maxIdentifiers);
    const state = await currentState();
    const verdict = verdictOf(state, modelVersion);
    const source: MetricSource = verdict.exact ? 'tables' : 'events';
    logger?.debug({ metric, source, modelVersion, ...(!verdict.exact && { reason: verdict.reason }) }, 'metric source');
    let result: T;
    if (verdict.exact) {
      const key = JSON.stringify([metric, metricParams.from, metricParams.to, metricParams.scope?.team ?? null, metricParams.scope?.silo ?? null]);
      const tables = stateKey(state);
      const reader = rollups.at(tables);
      const kept = await cache.answer(key, tables, metricParams.asOf, modelVersion, state.latestEventAt, () => fromTables(client, { ...metricParams, modelVersion }, { rollups: reader }), reader);
      result = stamp(kept, metricParams.asOf.toISOString());
    } else {
      result = fromEvents(await readAllEvents(client), map, metricParams);
    }
    lastSource = source;
    report?.(source);
    return result;
  }

  return {
    /** The windows and guard the figures are computed with. */
    windows,
    async summary(query: MetricQuery, now = new Date(), report?: SourceReport): Promise<Summary> {
      return answer('summary', query, now, summaryFromTables, computeSummary, (summary, asOf) => ({ ...summary, asOf }), report);
    },
    async teams(query: MetricQuery, now = new Date(), report?: SourceReport): Promise<Teams> {
      return answer('teams', query, now, teamsFromTables, computeTeams, ({ teams }, asOf) => ({ teams: teams.map((team) => ({ ...team, asOf })) }), report);
    },
    async transitions(query: MetricQuery, now = new Date(), report?: SourceReport): Promise<Transitions> {
      return answer('transitions', query, now, transitionsFromTables, computeTransitions, (transitions) => transitions, report);
    },
    /**
     * The team's figures for each interval (consecutive, each ending where the next starts), as
     * summary gives them for that interval.
     */
    async trend(query: { team: string; intervals: readonly { from: Date; to: Date }[]; asOf?: string }, now = new Date(), report?: SourceReport): Promise<Figures[]> {
      const { team, intervals } = query;
      if (intervals.length === 0) return [];
      const starts = intervals.map((interval) => interval.from);
      const to = intervals[intervals.length - 1]!.to;
      const period: MetricQuery = { from: starts[0]!.toISOString(), to: to.toISOString(), team, ...(query.asOf && { asOf: query.asOf }) };
      return answer(
        `trend:${starts.map((start) => start.getTime()).join(',')}`,
        period,
        now,
        async (tables, p, read) => (await readMetricTrend(tables, { ...p, starts }, read)).map(figuresOfTallied),
        (events, map, p) => {
          const model = buildJourneys(events, map, p);
          return intervals.map((interval) => {
            const { from: _from, to: _to, asOf: _asOf, scope: _scope, ...figures } = summarizeJourneys(model, { ...interval, scope: { team } });
            return figures;
          });
        },
        (points) => points,
        report,
      );
    },
    /** The journey model version of the org map and windows in force (what exact tables hold). */
    modelVersion(): string {
      return journeyModelVersion(orgMap(), windows.repeatWindowMs, windows.billingWindowMs, windows.maxIdentifiers);
    },
    /** Where the figures of the last answered request came from; undefined before the first. */
    source(): MetricSource | undefined {
      return lastSource;
    },
    /** Answers kept, and how often one was reused or computed; rollup entries kept. */
    cacheStats: () => ({ ...cache.stats(), rollups: rollups.stats() }),
  };
}

export type MetricsService = ReturnType<typeof createMetricsService>;
