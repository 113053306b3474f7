import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { problemSchema } from './auth/responses.ts';
import metricsApiPackage from '../package.json' with { type: 'json' };

/** Where the API documentation is served: the UI at /docs, the OpenAPI document at /docs/json. */
export const DOCS_PREFIX = '/docs';

const DESCRIPTION = `Seamline turns the ticket, call and billing events of an organisation into customer journeys and
measures where its silos leak into the customer's experience: repeat contacts, handoffs (especially
across silos) and contacts that billing caused. Figures follow the metric definitions of the
product specification; every /v1 request needs an API key (\`Authorization: Bearer <key>\`).`;

/**
 * The response schemas of every status a /v1 route may answer besides 200: 400 (bad parameters,
 * named), 401 (no or bad key), 403 (not for this key), 404 (no such thing).
 */
export const problemResponses = { 400: problemSchema, 401: problemSchema, 403: problemSchema, 404: problemSchema } as const;

/**
 * The OpenAPI document of every route with a zod schema (at /docs/json) and Swagger UI (at
 * /docs). Register it before the routes: @fastify/swagger learns routes as they are added.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Seamline metric API', version: metricsApiPackage.version, description: DESCRIPTION },
      tags: [
        { name: 'metrics', description: 'The figures of docs/metrics.md for a period, organisation-wide or per team or silo' },
        { name: 'teams', description: "a team's trend, why its customers come back, and its worst journeys" },
        { name: 'journeys', description: 'one journey, every touchpoint in time order' },
      ],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'an API key from `seamline keys create`' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
}
