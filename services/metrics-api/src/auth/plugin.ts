import type { ClickHouseClient } from '@clickhouse/client';
import { parseApiKey, verifyApiKey, type ApiKeyVerdict } from '@seamline/clickhouse';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createKeyCache } from './key-cache.ts';
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

const CREATE_HINT = 'create one with `seamline keys create`';
const MISSING_KEY = `missing API key: send "Authorization: Bearer <key>" (${CREATE_HINT})`;

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

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization?.trim();
  const bearer = authorization && /^Bearer\s+(\S+)$/i.exec(authorization);
  if (bearer) return bearer[1];
  const header = request.headers['x-api-key'];
  const key = (Array.isArray(header) ? header[0] : header)?.trim();
  return key ? key : undefined;
}

function refusal(verdict: Extract<ApiKeyVerdict, { ok: false }>): string {
  switch (verdict.reason) {
    case 'malformed':
      return `invalid API key: not in the form "sl_<id>_<secret>" that \`seamline keys create\` prints`;
    case 'unknown':
      return `unknown API key: no key matches it (${CREATE_HINT})`;
    case 'revoked':
      return `revoked API key: key ${verdict.keyId ?? ''} was revoked; ask an admin for a new one (${CREATE_HINT})`;
  }
}

function deny(reply: FastifyReply, error: string): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer realm="seamline"').send({ error });
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
  const lookup = createKeyCache((key) => verifyApiKey(options.clickhouse, key), options.cacheTtlMs ?? DEFAULT_KEY_CACHE_TTL_MS);
  app.addHook('onRequest', async (request, reply) => {
    if (!isProtected(request)) return;
    const key = presentedKey(request);
    if (key === undefined) return deny(reply, MISSING_KEY);
    // A key that cannot be one of ours costs no lookup and takes no room in the cache.
    if (!parseApiKey(key)) return deny(reply, refusal({ ok: false, reason: 'malformed' }));
    const verdict = await lookup(key);
    if (!verdict.ok) return deny(reply, refusal(verdict));
    const { keyId, admin, teams, pii } = verdict.apiKey;
    request.principal = { keyId, admin, teams, pii };
  });
}
