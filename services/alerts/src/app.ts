import type { FastifyInstance } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import { createHttpApp, registerHealthRoutes, registerPrometheus, type Registry } from '@seamline/http';
import type { Logger } from '@seamline/log';

export interface AlertsAppOptions {
  clickhouse: ClickHouseClient;
  logger: Logger;
  /** True while the scheduler evaluates rules. */
  scheduling: () => boolean;
  /** Prometheus registry: serves /metrics. */
  registry?: Registry;
}

/** The alerts service's HTTP surface: health for orchestrators, and its metrics. */
export function buildAlertsApp(options: AlertsAppOptions): FastifyInstance {
  const app = createHttpApp({ logger: options.logger });
  if (options.registry) registerPrometheus(app, options.registry);
  registerHealthRoutes(app, {
    clickhouse: async () => (await options.clickhouse.ping()).success,
    scheduler: async () => options.scheduling(),
  });
  return app;
}
