import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

// API keys as the services check them: the key a request presents, a cache of verdicts, and the
// answer naming what is wrong. What a key is and where keys are stored is the caller's (the
// keys live in ClickHouse, api_keys_v1).

interface Entry<T> {
  expiresAt: number;
  verdict: Promise<T>;
  /** The last verdict the store gave, kept for `staleIfError`. */
  settled?: T;
}

/**
 * Reuses a key's verdict for `ttlMs`, so a burst of requests with one key costs one ClickHouse
 * round trip, while a revoked key stops working within `ttlMs`. Concurrent lookups of one key
 * share the query; a failed lookup (store down) is not kept. Entries are held by the key's
 * SHA-256, never the key itself, and the cache is bounded against floods of made-up keys.
 * `staleIfError`: when the store cannot be asked, a key's last verdict stands (the ingest API
 * keeps taking events from known keys while ClickHouse is down; a revocation counts once it is
 * back).
 */
export function createKeyCache<T>(
  lookup: (key: string) => Promise<T>,
  ttlMs: number,
  options: { maxEntries?: number; now?: () => number; staleIfError?: boolean } = {},
): (key: string) => Promise<T> {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry<T>>();

  function makeRoom(at: number): void {
    for (const [id, entry] of entries) if (entry.expiresAt <= at) entries.delete(id);
    if (entries.size >= maxEntries) entries.clear();
  }

  return (key) => {
    const at = now();
    const id = createHash('sha256').update(key).digest('hex');
    const hit = entries.get(id);
    if (hit && hit.expiresAt > at) return hit.verdict;
    if (ttlMs <= 0) return lookup(key);
    if (entries.size >= maxEntries) makeRoom(at);
    const stale = options.staleIfError ? hit?.settled : undefined;
    const asked = lookup(key);
    const verdict = stale === undefined ? asked : asked.catch(() => stale);
    const entry: Entry<T> = { expiresAt: at + ttlMs, verdict, ...(stale !== undefined && { settled: stale }) };
    entries.set(id, entry);
    verdict.then(
      (settled) => {
        entry.settled = settled;
      },
      () => {
        if (entries.get(id) === entry) entries.delete(id);
      },
    );
    return verdict;
  };
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

/** What the store says of a presented key. */
export type KeyVerdict<K> = { ok: true; apiKey: K } | { ok: false; reason: 'malformed' | 'unknown' | 'revoked'; keyId?: string };

const CREATE_HINT = 'create one with `seamline keys create`';

/** Why a request's key is refused, in words for whoever sent it. */
export function keyRefusal(verdict: Exclude<KeyVerdict<unknown>, { ok: true }> | { ok: false; reason: 'missing' }): string {
  switch (verdict.reason) {
    case 'missing':
      return `missing API key: send "Authorization: Bearer <key>" (${CREATE_HINT})`;
    case 'malformed':
      return 'invalid API key: not in the form "sl_<id>_<secret>" that `seamline keys create` prints';
    case 'unknown':
      return `unknown API key: no key matches it (${CREATE_HINT})`;
    case 'revoked':
      return `revoked API key: key ${verdict.keyId ?? ''} was revoked; ask an admin for a new one (${CREATE_HINT})`;
  }
}

/** 401 with the reason, and how to authenticate. */
export function denyKey(reply: FastifyReply, error: string): FastifyReply {
  return reply.code(401).header('www-authenticate', 'Bearer realm="seamline"').send({ error });
}

/**
 * Checks the key a request presents: the key's record, or the 401 answer already sent. A string
 * that cannot be a key (`wellFormed` false) costs no lookup and takes no room in the cache.
 */
export function keyChecker<K>(options: { verify: (key: string) => Promise<KeyVerdict<K>>; wellFormed: (key: string) => boolean; ttlMs: number; staleIfError?: boolean }) {
  const lookup = createKeyCache(options.verify, options.ttlMs, { staleIfError: options.staleIfError ?? false });
  return async (request: FastifyRequest, reply: FastifyReply): Promise<K | undefined> => {
    const key = presentedKey(request);
    if (key === undefined) return void denyKey(reply, keyRefusal({ ok: false, reason: 'missing' }));
    if (!options.wellFormed(key)) return void denyKey(reply, keyRefusal({ ok: false, reason: 'malformed' }));
    const verdict = await lookup(key);
    if (!verdict.ok) return void denyKey(reply, keyRefusal(verdict));
    return verdict.apiKey;
  };
}
