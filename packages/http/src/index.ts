import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from '@seamline/log';

export interface HttpAppOptions {
  logger: Logger;
  /** Largest accepted request body in bytes (fastify answers 413 above it). */
  bodyLimit?: number;
  /** Whose X-Forwarded-For to believe for the client address (TRUST_PROXY); none by default. */
  trustProxy?: boolean | number | string[];
}

/**
 * The one fastify factory: our pino logger, a request id on every request and log line, and zod
 * as the language of route schemas (params, body, query, response per status), so a route's
 * types are inferred from the schema it declares. A route without a schema is answered as
 * fastify always does.
 */
export function createHttpApp(options: HttpAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? 1 << 20,
    // A number of hops: trust that many proxies nearest to the server.
    trustProxy: typeof options.trustProxy === 'number' ? ((_address: string, hop: number) => hop < (options.trustProxy as number)) : (options.trustProxy ?? false),
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  return app;
}

/** A readiness check: resolves to a short status ("ok") or throws/returns a problem. */
export type ReadinessCheck = () => Promise<boolean>;

/**
 * /healthz: the process is alive. /readyz: every named dependency answers; 503 otherwise, with
 * which one failed, so an orchestrator routes traffic only to instances that can serve it.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: Record<string, ReadinessCheck>): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const results: Record<string, 'ok' | 'failing'> = {};
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        results[name] = await check().then(
          (ok) => (ok ? 'ok' : 'failing'),
          () => 'failing',
        );
      }),
    );
    const ready = Object.values(results).every((r) => r === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: results });
  });
}
export {
  Counter,
  createMetricsRegistry,
  Gauge,
  Histogram,
  registerPrometheus,
  Registry,
} from './prometheus.ts';

export { createKeyCache, denyKey, keyChecker, keyRefusal, presentedKey, type KeyVerdict } from './key-auth.ts';
export { closeOnStop } from './close-on-stop.ts';
export {
  runService,
  startupMessage,
  type ReloadHook,
  type RunningService,
  type ServiceDefinition,
  type ServiceProcess,
  type ServiceSettings,
  type StartedService,
  type StopStep,
} from './service.ts';
