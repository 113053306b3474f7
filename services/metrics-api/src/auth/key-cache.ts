import { createHash } from 'node:crypto';

interface Entry<T> {
  expiresAt: number;
  verdict: Promise<T>;
}

/**
 * Reuses a key's verdict for `ttlMs`, so a burst of requests with one key costs one ClickHouse
 * round trip, while a revoked key stops working within `ttlMs`. Concurrent lookups of one key
 * share the query; a failed lookup (store down) is not kept. Entries are held by the key's
 * SHA-256, never the key itself, and the cache is bounded against floods of made-up keys.
 */
export function createKeyCache<T>(
  lookup: (key: string) => Promise<T>,
  ttlMs: number,
  options: { maxEntries?: number; now?: () => number } = {},
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
    const verdict = lookup(key);
    entries.set(id, { expiresAt: at + ttlMs, verdict });
    verdict.catch(() => {
      if (entries.get(id)?.verdict === verdict) entries.delete(id);
    });
    return verdict;
  };
}
