import type { FastifyInstance } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import type { OrgMap } from '@seamline/journeys';
import type { Logger } from '@seamline/log';
import { createMetricsService, type MetricWindows } from '@seamline/metrics';
import { buildMetricsApp } from '@seamline/api';

export interface DashboardApiOptions {
  clickhouse: ClickHouseClient;
  orgMap: OrgMap;
  windows: MetricWindows;
  logger: Logger;
}

/** The metric API as deployed: API keys required, the metric, team and journey routes, and the dashboard. */
export async function buildDashboardApi(options: DashboardApiOptions): Promise<FastifyInstance> {
  const { clickhouse, windows, logger } = options;
  const orgMap = () => options.orgMap;
  const metrics = createMetricsService(clickhouse, orgMap, windows);
  return buildMetricsApp({ clickhouse, metrics, orgMap, logger, auth: 'required' });
}
