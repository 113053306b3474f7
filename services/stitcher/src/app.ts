import type { FastifyInstance } from 'fastify';
import type { ClickHouseClient } from '@clickhouse/client';
import { createHttpApp, registerHealthRoutes, registerPrometheus, type Registry } from '@seamline/http';
import type { Logger } from '@seamline/log';

export interface StitcherAppOptions {
  clickhouse: ClickHouseClient;
  logger: Logger;
  /** True while the consumer is running. */
  consuming: () => boolean;
  /** True when a Kafka broker answers. */
  kafkaReachable?: () => Promise<boolean>;
  /** Prometheus registry served at /metrics. */
  metrics?: Registry;
}

/** The stitcher's HTTP surface: health for orchestrators. */
export function buildStitcherApp(options: StitcherAppOptions): FastifyInstance {
  const app = createHttpApp({ logger: options.logger });
  if (options.metrics) registerPrometheus(app, options.metrics);
  registerHealthRoutes(app, {
    clickhouse: async () => (await options.clickhouse.ping()).success,
    consumer: async () => options.consuming(),
    ...(options.kafkaReachable && { kafka: options.kafkaReachable }),
  });
  return app;
}
