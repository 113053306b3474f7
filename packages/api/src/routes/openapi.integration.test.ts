import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { createHttpApp, registerHealthRoutes } from '@seamline/http';
import { testStack } from '@seamline/infra/testing';
import { parseOrgMap } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { registerCaching } from '../caching.ts';
import { createMetricsService } from '@seamline/metrics';
import { registerOpenApi } from '../openapi.ts';
import { journeyRoutes } from './journeys.ts';
import { metricsRoutes } from './metrics.ts';
import { orgRoutes } from './org.ts';
import { teamRoutes } from './teams.ts';
import { TINY_WINDOWS } from '../tiny-store.ts';

const logger = createLogger({ service: 'openapi-test', level: 'warn', pretty: false });
const orgMap = parseOrgMap('{"queues":{"Q1":{"team":"t1","silo":"s1"}}}', 'org.json');

type Operation = { tags?: string[]; parameters?: { in: string; name: string }[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type OpenApiDocument = { openapi: string; info: Record<string, string>; components: { securitySchemes: Record<string, unknown> }; paths: Record<string, Record<string, Operation>> };

describe('the OpenAPI document at /docs/json', () => {
  let clickhouse: ClickHouse;
  let app: FastifyInstance;
  let document: OpenApiDocument;

  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    // As app.ts wires it: the document first, so it learns every route added after it.
    app = createHttpApp({ logger });
    await registerOpenApi(app);
    await registerCaching(app);
    registerHealthRoutes(app, { clickhouse: async () => true });
    const metrics = createMetricsService(clickhouse.client, () => orgMap, TINY_WINDOWS);
    await app.register(metricsRoutes, { metrics });
    await app.register(orgRoutes, { clickhouse: clickhouse.client, orgMap: () => orgMap });
    await app.register(teamRoutes, { clickhouse: clickhouse.client, metrics: createMetricsService(clickhouse.client, () => orgMap, TINY_WINDOWS) });
    await app.register(journeyRoutes, { clickhouse: clickhouse.client, orgMap: () => orgMap });
    await app.ready();
    const response = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    document = response.json();
  });
  afterAll(async () => {
    await app?.close();
    await clickhouse?.close();
  });

  it('names the product and the bearer API key', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBe('Seamline metric API');
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(document.info.description).toContain('silos');
    expect(document.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
  });

  it('lists every route, the team and journey routes with a response schema per status', () => {
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/metrics/summary', '/v1/metrics/teams', '/v1/metrics/transitions', '/v1/org/unmapped', '/healthz', '/readyz']),
    );
    const ours = ['/v1/teams/{team}/trend', '/v1/teams/{team}/repeat-reasons', '/v1/teams/{team}/journeys', '/v1/journeys/{id}'];
    for (const path of ours) {
      const operation = document.paths[path]?.get;
      expect(operation, path).toBeDefined();
      expect(Object.keys(operation!.responses).sort(), path).toEqual(['200', '400', '401', '403', '404']);
      for (const [status, response] of Object.entries(operation!.responses)) {
        expect(response.content?.['application/json']?.schema, `${path} ${status}`).toEqual(expect.objectContaining({ type: 'object' }));
      }
      expect(operation!.parameters?.some((p) => p.in === 'path'), path).toBe(true);
    }
    const trend = document.paths['/v1/teams/{team}/trend']!.get!;
    expect(trend.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['path:team', 'query:asOf', 'query:from', 'query:interval', 'query:to', 'query:tz']);
    const point = (trend.responses['200']!.content!['application/json']!.schema as { properties: { points: { items: { properties: Record<string, unknown> } } } }).properties.points.items;
    expect(Object.keys(point.properties)).toEqual(expect.arrayContaining(['from', 'to', 'contacts', 'fcrRate', 'crossSiloBounces']));
    expect(Object.keys(document.paths).some((path) => path.startsWith('/docs'))).toBe(false);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
  });
});
