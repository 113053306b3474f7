import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { registerHealthRoutes } from '@seamline/http';
import { testStack } from '@seamline/infra/testing';
import { createLogger } from '@seamline/log';
import { CACHE_CONTROL } from '../caching.ts';
import { createMetricsService } from '@seamline/metrics';
import { buildTestApp } from '../test-app.ts';
import { journeyRoutes } from './journeys.ts';
import { metricsRoutes } from './metrics.ts';
import { teamRoutes } from './teams.ts';
import { stitchTiny, tinyOrgMap, TINY_WINDOWS as WINDOWS } from '../tiny-store.ts';

const logger = createLogger({ service: 'caching-test', level: 'warn', pretty: false });
const orgMap = tinyOrgMap();
const MARCH = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&asOf=2026-04-01T00:00:00Z';

describe('ETags, 304 and Cache-Control on the API', () => {
  let clickhouse: ClickHouse;
  let app: FastifyInstance;

  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    await stitchTiny(clickhouse.client, orgMap, logger);
    app = await buildTestApp(logger, {
      routes: async (server) => {
        registerHealthRoutes(server, { clickhouse: async () => true });
        await server.register(metricsRoutes, { metrics: createMetricsService(clickhouse.client, () => orgMap, WINDOWS) });
        await server.register(teamRoutes, { clickhouse: clickhouse.client, metrics: createMetricsService(clickhouse.client, () => orgMap, WINDOWS) });
        await server.register(journeyRoutes, { clickhouse: clickhouse.client, orgMap: () => orgMap });
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await clickhouse?.close();
  });

  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  it('answers a conditional GET of a team trend, a journey and a summary with 304 while nothing changed', async () => {
    const journeyId = (await get(`/v1/teams/t1/journeys?${MARCH}`)).json().journeys[0].journeyId;
    for (const url of [`/v1/teams/t1/trend?${MARCH}&interval=week`, `/v1/journeys/${journeyId}`, `/v1/metrics/summary?${MARCH}`]) {
      const first = await get(url);
      expect(first.statusCode, url).toBe(200);
      const etag = first.headers.etag as string;
      expect(etag, url).toMatch(/^"[^"]+"$/);
      expect(first.headers['cache-control'], url).toBe(CACHE_CONTROL);
      expect(first.headers.vary, url).toContain('Authorization');

      const again = await get(url, { 'if-none-match': etag });
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      expect(again.headers.etag, url).toBe(etag);
      expect((await get(url, { 'if-none-match': `W/${etag}, "other"` })).statusCode, url).toBe(304);
      expect((await get(url, { 'if-none-match': '"something-else"' })).statusCode, url).toBe(200);
    }
  });

  it('gives what another key sees another ETag', async () => {
    const journeyId = (await get(`/v1/teams/t1/journeys?${MARCH}`)).json().journeys[0].journeyId;
    const withPii = await get(`/v1/journeys/${journeyId}`);
    const masked = await get(`/v1/journeys/${journeyId}`, { 'x-test-principal': JSON.stringify({ keyId: 'k', admin: false, teams: ['t1'], pii: false }) });
    expect(masked.statusCode).toBe(200);
    expect(masked.headers.etag).not.toBe(withPii.headers.etag);
    expect((await get(`/v1/journeys/${journeyId}`, { 'if-none-match': withPii.headers.etag as string, 'x-test-principal': JSON.stringify({ keyId: 'k', admin: false, teams: ['t1'], pii: false }) })).statusCode).toBe(200);
  });

  it('puts no ETag or caching headers on refusals and on routes outside /v1', async () => {
    const notFound = await get('/v1/journeys/jrn_0000000000000000');
    expect(notFound.statusCode).toBe(404);
    expect(notFound.headers.etag).toBeUndefined();
    expect(notFound.headers['cache-control']).toBeUndefined();
    const badQuery = await get('/v1/teams/t1/trend?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z');
    expect([badQuery.statusCode, badQuery.headers.etag]).toEqual([400, undefined]);
    const health = await get('/healthz');
    expect([health.statusCode, health.headers.etag, health.headers['cache-control']]).toEqual([200, undefined, undefined]);
  });
});
