import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The version of the workspaces (they are versioned together), as their manifests give it. */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * A service's own metrics registry: process metrics (memory, CPU, event loop) labelled with the
 * service, and seamline_build_info (always 1) naming the version and the Node.js it runs on.
 */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  new Gauge({ name: 'seamline_build_info', help: 'Always 1: the version running and its Node.js', labelNames: ['version', 'node'], registers: [registry] }).set(
    { version: VERSION, node: process.version },
    1,
  );
  return registry;
}

/**
 * GET /metrics in Prometheus' text format, and the latency of every request by route and status
 * (the route pattern, never the raw URL, so ids in paths do not explode the label set).
 */
export function registerPrometheus(app: FastifyInstance, registry: Registry): void {
  const latency = new Histogram({
    name: 'seamline_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    if (route === '/metrics') return;
    latency.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => {
    void reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
}
