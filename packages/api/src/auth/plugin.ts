import type { ClickHouseClient } from '@clickhouse/client';
import { parseApiKey, verifyApiKey } from '@seamline/clickhouse';
import { keyChecker } from '@seamline/http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { UNRESTRICTED } from './principal.ts';

export type AuthMode = 'required' | 'off';

/** The environment fragment that turns authentication on or off (for the service's env.ts). */
export const authEnv = {
  METRICS_API_AUTH: z
    .enum(['required', 'off'])
    .default('required')
    .describe('required: every /v1 request needs an API key; off: everyone sees everything (embedded demo, tests)'),
};

export interface AuthOptions {
  clickhouse: ClickHouseClient;
  mode: AuthMode;
  /** How long a key's verdict is reused (default 10 s): a revoked key stops working within it. */
  cacheTtlMs?: number;
}

export const DEFAULT_KEY_CACHE_TTL_MS = 10_000;

// The API's own routes; /healthz, /readyz, /docs and /dashboard stay open.
const PROTECTED_PATH = /^\/v1(?:[/?]|$)/;

/**
 * Whether a request needs a key. The route's own path decides, not the raw URL: the router
 * decodes the URL, so `/%761/metrics/summary` reaches /v1/metrics/summary. Requests that match
 * no route are judged by their URL, so an unknown /v1 path says 401, not whether it exists.
 */
function isProtected(request: FastifyRequest): boolean {
  return PROTECTED_PATH.test(request.routeOptions.url ?? '') || PROTECTED_PATH.test(request.url);
}

/**
 * Authenticates every request under /v1/ by its API key and sets `request.principal`; answers
 * 401 naming what is wrong otherwise. Call it before the routes are registered: fastify gives a
 * route the hooks that exist when the route is added. With mode 'off' every request is
 * UNRESTRICTED.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  if (options.mode === 'off') {
    app.addHook('onRequest', async (request) => {
      request.principal = UNRESTRICTED;
    });
    return;
  }
  const check = keyChecker({ verify: (key) => verifyApiKey(options.clickhouse, key), wellFormed: (key) => parseApiKey(key) !== undefined, ttlMs: options.cacheTtlMs ?? DEFAULT_KEY_CACHE_TTL_MS });
  app.addHook('onRequest', async (request, reply) => {
    if (!isProtected(request)) return;
    const apiKey = await check(request, reply);
    if (!apiKey) return reply;
    if (apiKey.kind !== 'read') {
      return reply.code(403).send({ error: `key ${apiKey.keyId} is a write key: it may send events to the ingest API, not read figures; use a read key (\`seamline keys create --team T\` or --admin)` });
    }
    const { keyId, admin, teams, pii } = apiKey;
    request.principal = { keyId, admin, teams, pii };
  });
}
