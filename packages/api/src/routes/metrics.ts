import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { summarySchema, teamsSchema, transitionsSchema } from '@seamline/journeys';
import { canSeeTeam, checkScope, principalOf } from '../auth/principal.ts';
import { accessResponses, problemSchema } from '../auth/responses.ts';
import { metricQueryIn } from '@seamline/metrics';
import type { MetricSource, MetricsService } from '@seamline/metrics';

/** Response header naming where the figures came from: `tables` or `events` (see MetricSource). */
export const SOURCE_HEADER = 'seamline-source';

/**
 * GET /v1/metrics/summary|teams|transitions: the same JSON as `seamline metrics ...`.
 * A team key sees its own teams; silo- and organisation-wide figures need an admin key.
 */
export async function metricsRoutes(app: FastifyInstance, options: { metrics: MetricsService; timeZone?: string }): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { metrics } = options;
  // Dates without a time are local midnight in `tz`, else in the organisation's zone.
  const metricQuery = metricQueryIn(options.timeZone ?? 'UTC');
  const reportTo = (reply: FastifyReply) => (source: MetricSource) => void reply.header(SOURCE_HEADER, source);
  routes.get(
    '/v1/metrics/summary',
    { schema: { querystring: metricQuery, response: { 200: summarySchema, 400: problemSchema, ...accessResponses } } },
    async (request, reply) => (checkScope(request, reply, request.query) ? metrics.summary(request.query, undefined, reportTo(reply)) : reply),
  );
  routes.get(
    '/v1/metrics/teams',
    { schema: { querystring: metricQuery, response: { 200: teamsSchema, 400: problemSchema, ...accessResponses } } },
    async (request, reply) => {
      // Without a scope a team key gets the rows of its own teams; a scope is checked as it is.
      const { team, silo } = request.query;
      if ((team !== undefined || silo !== undefined) && !checkScope(request, reply, { team, silo })) return reply;
      const principal = principalOf(request);
      const result = await metrics.teams(request.query, undefined, reportTo(reply));
      return principal.admin ? result : { teams: result.teams.filter((row) => canSeeTeam(principal, row.team)) };
    },
  );
  routes.get(
    '/v1/metrics/transitions',
    { schema: { querystring: metricQuery, response: { 200: transitionsSchema, 400: problemSchema, ...accessResponses } } },
    async (request, reply) => (checkScope(request, reply, request.query) ? metrics.transitions(request.query, undefined, reportTo(reply)) : reply),
  );
}
