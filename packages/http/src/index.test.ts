import { describe, expect, it } from 'vitest';
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
