import type { ClickHouseClient } from '@clickhouse/client';
import { readNextChange, type RollupReader } from '@seamline/clickhouse';
import type { StoredState } from './freshness.ts';

/** Answers kept at most; the least recently used goes first. */
export const DEFAULT_CACHE_ENTRIES = 1_000;

interface Entry {
  value: unknown;
  /** stateKey of the tables it was computed from. */
  state: string;
  /**
   * It holds for every asOf in [fromMs, untilMs): computed at fromMs, until the rows next change
   * at an asOf. Undefined until a request at a later asOf asks (most answers are never asked
   * again, so when the rows next change is read only when it matters).
   */
  fromMs: number;
  untilMs: number | undefined;
  modelVersion: string;
  rollups: RollupReader | undefined;
}

/** Equal keys, same tables: the count of writes only grows, and a rebuild records a new model. */
export function stateKey(state: StoredState): string {
  return `${state.writes}|${state.model?.modelVersion ?? ''}|${state.model?.builtAt ?? ''}`;
}

/**
 * Answers computed from the stitched tables, reused while the tables are unchanged. An answer
 * at asOf holds from that asOf until the next instant its rows change at (a contact matures,
 * starts or moves: readNextChange), read when a later asOf asks for it. Requests for the same answer while it is computed share the
 * computation.
 */
export function createAnswerCache(client: ClickHouseClient, maxEntries = DEFAULT_CACHE_ENTRIES) {
  const entries = new Map<string, Entry>();
  const computing = new Map<string, Promise<Entry>>();
  let hits = 0;
  let misses = 0;

  async function holds(entry: Entry, state: string, asOfMs: number): Promise<boolean> {
    if (entry.state !== state || asOfMs < entry.fromMs) return false;
    if (asOfMs === entry.fromMs) return true;
    entry.untilMs ??= await readNextChange(client, entry.modelVersion, new Date(entry.fromMs), entry.rollups);
    return asOfMs < entry.untilMs;
  }

  async function compute(key: string, state: string, asOf: Date, modelVersion: string, latestEventAt: string | undefined, run: () => Promise<unknown>, rollups?: RollupReader): Promise<Entry> {
    const value = await run();
    // Asked before the latest event, the rows change within moments of asOf: the answer is kept
    // for that asOf alone, which spares reading when they next change.
    const before = latestEventAt !== undefined && asOf.getTime() <= Date.parse(latestEventAt);
    const entry: Entry = { value, state, fromMs: asOf.getTime(), untilMs: before ? asOf.getTime() + 1 : undefined, modelVersion, rollups };
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    return entry;
  }

  return {
    /**
     * The answer for `key` on tables in `state` (whose latest event is at `latestEventAt`) at asOf:
     * kept, being computed, or computed now. `rollups` tells which hours are built (readNextChange).
     */
    async answer<T>(key: string, state: string, asOf: Date, modelVersion: string, latestEventAt: string | undefined, run: () => Promise<T>, rollups?: RollupReader): Promise<T> {
      const asOfMs = asOf.getTime();
      const kept = entries.get(key);
      if (kept && (await holds(kept, state, asOfMs))) {
        hits += 1;
        entries.delete(key);
        entries.set(key, kept);
        return kept.value as T;
      }
      misses += 1;
      const flightKey = `${key}\u0000${state}`;
      const shared = computing.get(flightKey);
      if (shared) {
        const entry = await shared;
        if (await holds(entry, state, asOfMs)) return entry.value as T;
      }
      const flight = compute(key, state, asOf, modelVersion, latestEventAt, run, rollups);
      computing.set(flightKey, flight);
      try {
        return (await flight).value as T;
      } finally {
        if (computing.get(flightKey) === flight) computing.delete(flightKey);
      }
    },
    stats: () => ({ entries: entries.size, hits, misses }),
  };
}

export type AnswerCache = ReturnType<typeof createAnswerCache>;
