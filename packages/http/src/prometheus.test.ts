import { describe, expect, it } from 'vitest';
import { createLogger } from '@seamline/log';
import { createHttpApp } from './index.ts';
import { createMetricsRegistry, registerPrometheus } from './prometheus.ts';

describe('Prometheus metrics', () => {
  it('serve request latency by route pattern and status, and process metrics, labelled with the service', async () => {
    const app = createHttpApp({ logger: createLogger({ service: 't', level: 'silent', pretty: false }) });
    const registry = createMetricsRegistry('ingest');
    registerPrometheus(app, registry);
    app.get('/v1/journeys/:id', async () => ({ ok: true }));
    await app.inject({ method: 'GET', url: '/v1/journeys/jrn_1' });
    await app.inject({ method: 'GET', url: '/v1/journeys/jrn_2' });
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(
      /seamline_http_request_duration_seconds_count\{service="ingest",method="GET",route="\/v1\/journeys\/:id",status="200"\} 2/,
    );
    expect(response.body).not.toContain('jrn_1');
    expect(response.body).toMatch(/process_resident_memory_bytes\{service="ingest"\}/);
  });
});
