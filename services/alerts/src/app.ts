import type { FastifyInstance } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import { createHttpApp, registerHealthRoutes } from '@seamline/http';
import type { Logger } from '@seamline/log';

export interface AlertsAppOptions {
  clickhouse: ClickHouseClient;
  logger: Logger;
  /** True while the scheduler evaluates rules. */
  scheduling: () => boolean;
}

/** The alerts service's HTTP surface: health for orchestrators. */
export function buildAlertsApp(options: AlertsAppOptions): FastifyInstance {
  const app = createHttpApp({ logger: options.logger });
  registerHealthRoutes(app, {
    clickhouse: async () => (await options.clickhouse.ping()).success,
    scheduler: async () => options.scheduling(),
  });
  return app;
}
