import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ClickHouseClient } from '@clickhouse/client';
import type { OrgMap } from '@seamline/journeys';
import { unmappedQueues, unmappedQueuesSchema } from '@seamline/metrics';
import { requireAdmin } from '../auth/principal.ts';
import { accessResponses } from '../auth/responses.ts';

/** GET /v1/org/unmapped: what an admin should add to the org map (admin keys only). */
export async function orgRoutes(app: FastifyInstance, options: { clickhouse: ClickHouseClient; orgMap: () => OrgMap }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/v1/org/unmapped',
    { schema: { response: { 200: unmappedQueuesSchema, ...accessResponses } } },
    async (request, reply) => (requireAdmin(request, reply, 'unmapped queues') ? unmappedQueues(options.clickhouse, options.orgMap()) : reply),
  );
}
