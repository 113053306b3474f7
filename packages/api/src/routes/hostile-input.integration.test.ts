import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, type ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { parseOrgMap } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { buildMetricsApp } from '../app.ts';
import { createMetricsService } from '@seamline/metrics';
import { stitchTiny, TINY_WINDOWS } from '../tiny-store.ts';

// Hostile values in every query parameter and path segment of the metric API: SQL injection,
// quotes, comments, control characters, huge and odd strings. Each request gets an answer the
// caller can act on (2xx, 4xx), never a 5xx, and the stored tables are unchanged afterwards.
const logger = createLogger({ service: 'hostile-test', level: 'fatal', pretty: false });
const fixture = new URL('../../../../test/fixtures/tiny/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixture), 'utf8');
const orgMap = parseOrgMap(read('org.json'), 'org.json');
const RUNS = process.env.SEAMLINE_FAULTS === 'full' ? 10_000 : 300;

const INJECTIONS = [
  "' OR '1'='1",
  "t1' OR 1=1 --",
  "'; DROP TABLE events_v1; --",
  't1"; DROP TABLE contacts_v1; --',
  "') UNION SELECT * FROM system.users --",
  '{team:String}',
  '\\',
  "%27%20OR%201%3D1",
  '../../../../etc/passwd',
  '\u0000',
  'x'.repeat(5_000),
  'jrn_0000000000000000; SELECT sleep(3)',
];

const PERIOD = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
/** Every route with its parameters; each hostile value goes into one parameter at a time. */
const ROUTES: Array<{ path: (segment: string) => string; params: Record<string, string> }> = [
  { path: () => '/v1/metrics/summary', params: { ...PERIOD, team: 't1', silo: 's1', asOf: '2026-04-01T00:00:00Z' } },
  { path: () => '/v1/metrics/teams', params: { ...PERIOD, silo: 's1' } },
  { path: () => '/v1/metrics/transitions', params: { ...PERIOD, team: 't1' } },
  { path: (team) => `/v1/teams/${encodeURIComponent(team)}/trend`, params: { ...PERIOD, interval: 'week' } },
  { path: (team) => `/v1/teams/${encodeURIComponent(team)}/repeat-reasons`, params: PERIOD },
  { path: (team) => `/v1/teams/${encodeURIComponent(team)}/journeys`, params: { ...PERIOD, sort: 'handoffs', limit: '10' } },
  { path: (id) => `/v1/journeys/${encodeURIComponent(id)}`, params: {} },
  { path: () => '/v1/org/unmapped', params: {} },
];

describe('hostile input on every metric API parameter', () => {
  let clickhouse: ClickHouse;
  let app: FastifyInstance;
  let before: { rows: number; ids: number };

  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    await stitchTiny(clickhouse.client, orgMap, logger);
    app = await buildMetricsApp({ clickhouse: clickhouse.client, metrics: createMetricsService(clickhouse.client, () => orgMap, TINY_WINDOWS), orgMap: () => orgMap, logger });
    before = await countEvents(clickhouse.client);
  });
  afterAll(async () => {
    await app?.close();
    await clickhouse?.close();
  });

  const request = async (route: (typeof ROUTES)[number], segment: string, params: Record<string, string>) => {
    const query = new URLSearchParams(params).toString();
    return app.inject({ method: 'GET', url: `${route.path(segment)}${query ? `?${query}` : ''}` });
  };

  it('answers every known injection in every parameter with 2xx or 4xx, and stores nothing', async () => {
    let requests = 0;
    for (const route of ROUTES) {
      for (const value of INJECTIONS) {
        const inSegment = await request(route, value, route.params);
        requests += 1;
        expect(inSegment.statusCode, `${route.path(value)} -> ${inSegment.body.slice(0, 200)}`).toBeLessThan(500);
        for (const name of Object.keys(route.params)) {
          const response = await request(route, 't1', { ...route.params, [name]: value });
          requests += 1;
          expect(response.statusCode, `${name}=${value.slice(0, 40)} on ${route.path('t1')} -> ${response.body.slice(0, 200)}`).toBeLessThan(500);
        }
      }
    }
    expect(requests).toBeGreaterThan(150);
    expect(await countEvents(clickhouse.client)).toEqual(before);
  });

  it('an injected team is a team of no figures, not a way around the filter', async () => {
    const response = await request(ROUTES[0]!, '', { ...PERIOD, team: "t1' OR '1'='1", asOf: '2026-04-01T00:00:00Z' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ contacts: 0, journeys: 0 });
  });

  it(`never answers 5xx to random strings in any parameter (${RUNS} cases)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: ROUTES.length - 1 }), fc.string({ maxLength: 200, unit: 'binary' }), fc.nat(), async (r, value, pick) => {
        const route = ROUTES[r]!;
        const names = Object.keys(route.params);
        const params = names.length === 0 ? {} : { ...route.params, [names[pick % names.length]!]: value };
        const response = await request(route, pick % 2 === 0 ? value : 't1', params);
        return response.statusCode < 500;
      }),
      { numRuns: RUNS },
    );
    expect(await countEvents(clickhouse.client)).toEqual(before);
  }, 600_000);

  it('serves nothing outside the dashboard folder, however the path is spelled', async () => {
    // Files that exist beside and above the dashboard folder.
    const secrets = [read('org.json'), readFileSync(new URL('../../package.json', import.meta.url), 'utf8')];
    const attempts = [
      '/dashboard/../package.json',
      '/dashboard/..%2fpackage.json',
      '/dashboard/%2e%2e/package.json',
      '/dashboard/%2e%2e%2f%2e%2e%2fpackage.json',
      '/dashboard/..%5c..%5cpackage.json',
      '/dashboard/....//....//package.json',
      '/dashboard/%252e%252e/package.json',
      '/dashboard/index.html%00.json',
      '/dashboard//etc/passwd',
      '/dashboard/..%2f..%2f..%2f..%2ftest%2ffixtures%2ftiny%2forg.json',
      '/dashboard/%c0%ae%c0%ae/package.json',
    ];
    for (const url of attempts) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBeGreaterThanOrEqual(300);
      expect(response.statusCode, url).toBeLessThan(500);
      for (const secret of secrets) expect(response.body.includes(secret.slice(0, 60)), url).toBe(false);
    }
    // The dashboard itself is served.
    expect((await app.inject({ method: 'GET', url: '/dashboard/' })).statusCode).toBe(200);
  });
});
