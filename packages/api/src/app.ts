import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ClickHouseClient } from '@clickhouse/client';
import { createHttpApp, registerHealthRoutes, registerPrometheus, type Registry } from '@seamline/http';
import type { Logger } from '@seamline/log';
import { registerTablesFreshness, type MetricsService } from '@seamline/metrics';
import { metricsRoutes } from './routes/metrics.ts';
import { orgRoutes } from './routes/org.ts';
import { registerAuth, type AuthMode } from './auth/plugin.ts';
import { registerCaching } from './caching.ts';
import { registerCsv } from './csv.ts';
import { registerOpenApi } from './openapi.ts';
import { registerDashboard } from './routes/dashboard.ts';
import { journeyRoutes } from './routes/journeys.ts';
import { teamRoutes } from './routes/teams.ts';
import type { OrgMap } from '@seamline/journeys';

export interface MetricsAppOptions {
  clickhouse: ClickHouseClient;
  metrics: MetricsService;
  /** The org map in force. */
  orgMap: () => OrgMap;
  logger: Logger;
  /** 'required': every /v1 request needs an API key (the server's default); 'off': open (tests, tools). */
  auth?: AuthMode;
  /** Prometheus registry: serves /metrics (request latency, the tables' freshness). */
  registry?: Registry;
  /** Whose X-Forwarded-For to believe (TRUST_PROXY). */
  trustProxy?: boolean | number | string[];
  /** The organisation's time zone (SEAMLINE_TIME_ZONE): what a date means, where days and weeks start. */
  timeZone?: string;
}

export async function buildMetricsApp(options: MetricsAppOptions): Promise<FastifyInstance> {
  const app = createHttpApp({ logger: options.logger, ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }) });
  // Bad query parameters: one 400 naming each bad parameter and why.
  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const problems = error.validation.map((v) => {
        const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
        return `${path || 'query'}: ${v.message ?? 'invalid'}`;
      });
      return reply.code(400).send({ error: problems.join('; ') });
    }
    // The caller's own mistakes that fastify and its plugins name (a path out of the dashboard
    // folder, a body of the wrong type or size) keep their 4xx.
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return reply.code(status).send({ error: error instanceof Error ? error.message : 'bad request' });
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal error' });
  });
  // Before any route: fastify fixes a route's hooks when the route is added.
  registerAuth(app, { clickhouse: options.clickhouse, mode: options.auth ?? 'off' });
  await registerOpenApi(app); // collects every route registered after it, /docs serves the document
  registerCsv(app); // before the ETag: it hashes the body sent
  await registerCaching(app);
  registerHealthRoutes(app, { clickhouse: async () => (await options.clickhouse.ping()).success });
  if (options.registry) {
    registerPrometheus(app, options.registry);
    registerTablesFreshness(options.registry, options.clickhouse, () => options.metrics.modelVersion());
  }
  const timeZone = options.timeZone ?? 'UTC';
  await app.register(metricsRoutes, { metrics: options.metrics, timeZone });
  await app.register(orgRoutes, { clickhouse: options.clickhouse, orgMap: options.orgMap });
  await app.register(teamRoutes, { clickhouse: options.clickhouse, metrics: options.metrics, timeZone });
  await app.register(journeyRoutes, { clickhouse: options.clickhouse, orgMap: options.orgMap });
  await registerDashboard(app); // the team lead's page at /dashboard/; its data comes from /v1 with the key
  return app;
}
