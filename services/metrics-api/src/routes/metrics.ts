import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { summarySchema, teamsSchema, transitionsSchema } from '@seamline/journeys';
import { z } from 'zod';
import { metricQuery } from '../metric-query.ts';
import type { MetricsService } from '../metrics-service.ts';

const problem = z.object({ error: z.string() });

/** GET /v1/metrics/summary|teams|transitions: the same JSON as `seamline metrics ...`. */
export async function metricsRoutes(app: FastifyInstance, options: { metrics: MetricsService }): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { metrics } = options;
  routes.get(
    '/v1/metrics/summary',
    { schema: { querystring: metricQuery, response: { 200: summarySchema, 400: problem } } },
    async (request) => metrics.summary(request.query),
  );
  routes.get(
    '/v1/metrics/teams',
    { schema: { querystring: metricQuery, response: { 200: teamsSchema, 400: problem } } },
    async (request) => metrics.teams(request.query),
  );
  routes.get(
    '/v1/metrics/transitions',
    { schema: { querystring: metricQuery, response: { 200: transitionsSchema, 400: problem } } },
    async (request) => metrics.transitions(request.query),
  );
}
