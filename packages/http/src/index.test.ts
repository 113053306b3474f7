import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLogger } from '@seamline/log';
import { createHttpApp, registerHealthRoutes } from './index.ts';

const logger = createLogger({ service: 'test', level: 'silent', pretty: false });

describe('health routes', () => {
  it('reports ready when every dependency answers', async () => {
    const app = createHttpApp({ logger });
    registerHealthRoutes(app, { kafka: async () => true, clickhouse: async () => true });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ready', checks: { kafka: 'ok', clickhouse: 'ok' } });
  });

  it('answers 503 naming the dependency that fails or throws', async () => {
    const app = createHttpApp({ logger });
    registerHealthRoutes(app, {
      kafka: async () => false,
      clickhouse: async () => {
        throw new Error('connection refused');
      },
    });
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'not ready', checks: { kafka: 'failing', clickhouse: 'failing' } });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('keeps a request id given by the caller', async () => {
    const app = createHttpApp({ logger });
    app.get('/id', async (request) => ({ id: request.id }));
    const response = await app.inject({ method: 'GET', url: '/id', headers: { 'x-request-id': 'abc-123' } });
    expect(response.json()).toEqual({ id: 'abc-123' });
  });
});

describe('route schemas', () => {
  it('validates params and serializes answers with the zod schemas a route declares', async () => {
    const app = createHttpApp({ logger });
    app.withTypeProvider<ZodTypeProvider>().get(
      '/teams/:team',
      { schema: { params: z.object({ team: z.string().max(8) }), response: { 200: z.object({ team: z.string() }) } } },
      async (request) => ({ team: request.params.team, secret: 'not in the schema' }),
    );
    const answer = await app.inject({ method: 'GET', url: '/teams/billing' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe('{"team":"billing"}');
    const refused = await app.inject({ method: 'GET', url: '/teams/much-too-long' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: 'FST_ERR_VALIDATION', message: expect.stringMatching(/^params\/team /) });
  });

  it('answers a route without a schema as plain JSON, every field kept', async () => {
    const app = createHttpApp({ logger });
    app.get('/plain', async () => ({ at: new Date('2026-12-01T00:00:00Z'), nested: { count: 2 }, list: [1, 'two'] }));
    const answer = await app.inject({ method: 'GET', url: '/plain' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toBe('{"at":"2026-12-01T00:00:00.000Z","nested":{"count":2},"list":[1,"two"]}');
  });
});
