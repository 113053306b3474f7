import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey, type ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { createHttpApp, registerHealthRoutes } from '@seamline/http';
import { testStack } from '@seamline/infra/testing';
import { parseOrgMap } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { createMetricsService } from '@seamline/metrics';
import { metricsRoutes } from '../routes/metrics.ts';
import { orgRoutes } from '../routes/org.ts';
import { stitch, validEvents, WINDOWS } from '@seamline/metrics/testing';
import { registerAuth, type AuthOptions } from './plugin.ts';

const fixture = new URL('../../../../test/fixtures/tiny/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixture), 'utf8');
const orgMap = parseOrgMap(read('org.json'), 'org.json'); // Q1 → t1 in silo s1, Q2 → t2 in silo s2
const period = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&asOf=2026-04-01T00:00:00Z';
const logger = createLogger({ service: 'auth-test', level: 'silent', pretty: false });
// 10,000 random keys with `npm run test:faults`.
const RUNS = process.env.SEAMLINE_FAULTS === 'full' ? 10_000 : 300;

let clickhouse: ClickHouse;

/** The metric API as app.ts composes it, with the auth plugin registered before the routes. */
async function buildApp(auth: Omit<AuthOptions, 'clickhouse'>): Promise<FastifyInstance> {
  const app = createHttpApp({ logger });
  registerAuth(app, { clickhouse: clickhouse.client, ...auth });
  registerHealthRoutes(app, { clickhouse: async () => (await clickhouse.client.ping()).success });
  await app.register(metricsRoutes, { metrics: createMetricsService(clickhouse.client, () => orgMap, WINDOWS) });
  await app.register(orgRoutes, { clickhouse: clickhouse.client, orgMap: () => orgMap });
  return app;
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

beforeAll(async () => {
  clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  const events = read('events.ndjson').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
  await stitch(clickhouse.client, validEvents(events), orgMap);
});
afterAll(async () => clickhouse?.close());

describe('the metric API with API keys required', () => {
  let app: FastifyInstance;
  const keys = { t1: '', t1t2: '', admin: '', revoked: '' };
  let revokedId = '';
  const get = (url: string, key?: string) => app.inject({ method: 'GET', url, headers: key ? bearer(key) : {} });

  beforeAll(async () => {
    app = await buildApp({ mode: 'required', cacheTtlMs: 300 });
    keys.t1 = (await createApiKey(clickhouse.client, { teams: ['t1'], admin: false, pii: false, name: 'team one' })).key;
    keys.t1t2 = (await createApiKey(clickhouse.client, { teams: ['t1', 't2'], admin: false, pii: false, name: 'both teams' })).key;
    keys.admin = (await createApiKey(clickhouse.client, { teams: [], admin: true, pii: true, name: 'ops' })).key;
    const revoked = await createApiKey(clickhouse.client, { teams: ['t1'], admin: false, pii: false, name: 'to revoke' });
    [keys.revoked, revokedId] = [revoked.key, revoked.keyId];
  });
  afterAll(async () => app?.close());

  it('serves /healthz and /readyz without a key', async () => {
    expect((await get('/healthz')).statusCode).toBe(200);
    expect((await get('/readyz')).statusCode).toBe(200);
  });

  it('answers 401 without a key, saying how to send one and where to get one', async () => {
    const response = await get(`/v1/metrics/summary?${period}&team=t1`);
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'missing API key: send "Authorization: Bearer <key>" (create one with `seamline keys create`)' });
    expect(response.headers['www-authenticate']).toBe('Bearer realm="seamline"');
    expect((await get('/v1/org/unmapped')).statusCode).toBe(401);
  });

  it('answers 401 before it checks the query, so nothing is learnt without a key', async () => {
    expect((await get('/v1/metrics/summary?from=yesterday')).statusCode).toBe(401);
  });

  it('answers 401 naming a key that is not in the key format', async () => {
    const response = await get(`/v1/metrics/summary?${period}&team=t1`, 'not-a-key');
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatch(/^invalid API key: /);
  });

  it('answers 401 naming an unknown key, also one with a known id and a wrong secret', async () => {
    const unknown = `sl_0000000000000000_${'A'.repeat(43)}`;
    const wrongSecret = `${keys.t1.slice(0, -1)}${keys.t1.endsWith('A') ? 'B' : 'A'}`;
    for (const key of [unknown, wrongSecret]) {
      const response = await get(`/v1/metrics/summary?${period}&team=t1`, key);
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toBe('unknown API key: no key matches it (create one with `seamline keys create`)');
    }
  });

  it(`answers 401 to every random key, well-formed or not, in either header (${RUNS} cases)`, async () => {
    const keyId = keys.t1.split('_')[1]!;
    const secret = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: 43, maxLength: 43 });
    const key = fc.oneof(
      fc.string({ maxLength: 200 }),
      secret.map((s) => `sl_${keyId}_${s}`), // a known key id with a guessed secret
      fc.tuple(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 }), secret).map(([id, s]) => `sl_${id}_${s}`),
    );
    await fc.assert(
      fc.asyncProperty(key, fc.boolean(), async (guess, inXApiKey) => {
        fc.pre(guess !== keys.t1 && guess.trim() !== '' && !/[\r\n]/.test(guess));
        const headers = inXApiKey ? { 'x-api-key': guess } : bearer(guess);
        const response = await app.inject({ method: 'GET', url: `/v1/metrics/summary?${period}&team=t1`, headers });
        return response.statusCode === 401;
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  it('answers 403 to a write key of the ingest API: it may send events, not read figures', async () => {
    const { key } = await createApiKey(clickhouse.client, { kind: 'write', sources: ['*'], teams: [], admin: false, pii: false, name: 'ingest' });
    const response = await get(`/v1/metrics/summary?${period}`, key);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatch(/is a write key: it may send events to the ingest API, not read figures/);
  });

  it('takes the key from X-API-Key as well', async () => {
    const response = await app.inject({ method: 'GET', url: `/v1/metrics/summary?${period}&team=t1`, headers: { 'x-api-key': keys.t1 } });
    expect(response.statusCode).toBe(200);
  });

  it('stops a revoked key once the cached verdict expires, with 401 naming the revocation', async () => {
    const url = `/v1/metrics/summary?${period}&team=t1`;
    expect((await get(url, keys.revoked)).statusCode).toBe(200);
    expect(await revokeApiKey(clickhouse.client, revokedId)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const response = await get(url, keys.revoked);
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe(`revoked API key: key ${revokedId} was revoked; ask an admin for a new one (create one with \`seamline keys create\`)`);
  });

  it('lets a team key see the summary and transitions of its own team', async () => {
    const summary = await get(`/v1/metrics/summary?${period}&team=t1`, keys.t1);
    expect(summary.statusCode).toBe(200);
    expect(summary.json()).toMatchObject({ scope: { team: 't1' } });
    expect(summary.json().contacts).toBeGreaterThan(0);
    expect((await get(`/v1/metrics/transitions?${period}&team=t1`, keys.t1)).statusCode).toBe(200);
  });

  it('answers 403 to a team key asking for another team, naming the team and the key\'s teams', async () => {
    for (const path of ['summary', 'transitions', 'teams']) {
      const response = await get(`/v1/metrics/${path}?${period}&team=t2`, keys.t1);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: 'this API key may not see team "t2"; it sees teams: t1' });
    }
  });

  it('answers 403 to a team key asking for a silo, even the silo of its own team', async () => {
    for (const path of ['summary', 'transitions', 'teams']) {
      const response = await get(`/v1/metrics/${path}?${period}&silo=s1`, keys.t1);
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toBe('this API key may not see silo "s1"; it sees teams: t1');
    }
  });

  it('answers 403 to a team key asking for organisation-wide figures', async () => {
    for (const path of ['summary', 'transitions']) {
      const response = await get(`/v1/metrics/${path}?${period}`, keys.t1t2);
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toBe('this API key may not see organisation-wide figures; it sees teams: t1, t2');
    }
  });

  it('gives a team key only the rows of its own teams from /v1/metrics/teams', async () => {
    const all = (await get(`/v1/metrics/teams?${period}`, keys.admin)).json().teams as { team: string }[];
    expect(all.map((row) => row.team)).toEqual(['t1', 't2']);
    const own = await get(`/v1/metrics/teams?${period}`, keys.t1);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ teams: all.filter((row) => row.team === 't1') });
    expect((await get(`/v1/metrics/teams?${period}`, keys.t1t2)).json()).toEqual({ teams: all });
    expect((await get(`/v1/metrics/teams?${period}&team=t1`, keys.t1)).statusCode).toBe(200);
  });

  it('keeps the unmapped queues of the org map for admin keys', async () => {
    const response = await get('/v1/org/unmapped', keys.t1t2);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'this API key may not see unmapped queues: that needs an admin key' });
    expect((await get('/v1/org/unmapped', keys.admin)).statusCode).toBe(200);
  });

  it('lets an admin key see every team, every silo and the whole organisation', async () => {
    for (const query of ['', '&team=t1', '&team=t2', '&silo=s1', '&silo=s2']) {
      for (const path of ['summary', 'teams', 'transitions']) {
        expect((await get(`/v1/metrics/${path}?${period}${query}`, keys.admin)).statusCode, `${path}${query}`).toBe(200);
      }
    }
    expect((await get(`/v1/metrics/summary?${period}`, keys.admin)).json()).toMatchObject({ scope: {} });
  });

  it('cannot be got round by percent-encoding the path', async () => {
    expect((await get(`/%761/metrics/summary?${period}&team=t1`)).statusCode).toBe(401);
    expect((await get(`/%76%31/org/unmapped`, keys.t1)).statusCode).toBe(403);
  });

  it('refuses an unknown /v1 path without a key rather than saying whether it exists', async () => {
    expect((await get('/v1/keys')).statusCode).toBe(401);
    expect((await get('/v1/keys', keys.admin)).statusCode).toBe(404);
  });
});

describe('the metric API with authentication off', () => {
  it('lets every request see everything, as before keys existed', async () => {
    const app = await buildApp({ mode: 'off' });
    try {
      expect((await app.inject({ method: 'GET', url: `/v1/metrics/summary?${period}` })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: `/v1/metrics/teams?${period}&silo=s1` })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/v1/org/unmapped' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
