import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { FIGURES, HOUR_MS } from './metric-rows.ts';
import { namedRead } from './named-query.ts';
import { changeSumRow, readRollupHours, ROLLUP_TABLE, type RollupHour, type RollupHours } from './rollups.ts';

// The entries of metric_rollup_v2 that a question sums, read per hour and build, and a memory of
// them that a long-lived reader (the metric API) keeps between questions. The entries of one build
// of an hour never change, so they can be kept for as long as that build is the hour's current one.

/** An entry of metric_rollup_v2: the change of the figures of one role, team, silo and handoff pair of an hour, in one hour of change. */
export interface RollupEntry {
  role: number;
  team: string;
  silo: string;
  fromTeam: string;
  fromSilo: string;
  toTeam: string;
  toSilo: string;
  /** The hour (epoch ms) its changes happen in. */
  changeHourMs: number;
  /** The changes of its figures, in the order of FIGURES. */
  counts: readonly number[];
}

/** An hour's entries: all of them by hour of change, and the same summed (for an asOf after the last hour of change). */
export interface HourEntries {
  /** Ordered by hour of change. */
  all: readonly RollupEntry[];
  total: readonly RollupEntry[];
  /** The last hour of change of any entry, or -Infinity. */
  lastChangeHourMs: number;
}

/** The entries summed over their hours of change. */
function overChangeHours(entries: readonly RollupEntry[]): RollupEntry[] {
  const summed = new Map<string, RollupEntry & { counts: number[] }>();
  for (const entry of entries) {
    const key = [entry.role, entry.team, entry.silo, entry.fromTeam, entry.fromSilo, entry.toTeam, entry.toSilo].join('\u0000');
    const sum = summed.get(key);
    if (!sum) summed.set(key, { ...entry, changeHourMs: 0, counts: [...entry.counts] });
    else for (let i = 0; i < FIGURES.length; i++) sum.counts[i]! += entry.counts[i]!;
  }
  return [...summed.values()];
}

/** Where a question finds the current builds of hours and their entries. */
export interface RollupReader {
  /** The current builds of the hours in [fromMs, toMs). */
  hours(modelVersion: string, fromMs: number, toMs: number): Promise<RollupHours>;
  /** The entries of these builds (hour → version), by hour; `loaded` says whether any came from the tables now. */
  entries(modelVersion: string, builds: ReadonlyMap<number, number>): Promise<{ byHour: Map<number, HourEntries>; loaded: boolean }>;
  /** A question found that builds changed under it: what is kept of these hours is no longer current. */
  changed(modelVersion: string, hours: readonly number[]): void;
}

const entryRow = changeSumRow.extend({ change_hour_ms: z.coerce.number() });

/** Hours per read: bounds the size of one query's parameters. */
const HOURS_PER_READ = 2_000;

/**
 * The entries of these builds of hours, by hour. Read with FINAL, entries of a build that a later
 * build of the hour replaced are missing; the writer marks an hour dirty before it builds it again,
 * so a caller that finds the hour still at this build after the read has every entry.
 */
export async function readRollupEntries(client: ClickHouseClient, modelVersion: string, builds: ReadonlyMap<number, number>): Promise<Map<number, HourEntries>> {
  const byHour = new Map<number, RollupEntry[]>([...builds.keys()].map((hour) => [hour, []]));
  const hours = [...builds.keys()].sort((a, b) => a - b);
  const names = new Map<string, string>();
  // One string per distinct name, however many entries carry it.
  const intern = (name: string) => names.get(name) ?? (names.set(name, name), name);
  for (let i = 0; i < hours.length; i += HOURS_PER_READ) {
    const chunk = hours.slice(i, i + HOURS_PER_READ);
    const hourMs = 'toInt64(toUnixTimestamp(hour)) * 1000';
    const rows = await namedRead(
      client,
      'rollups.entries',
      `SELECT ${hourMs} AS hour_ms, role, toInt64(toUnixTimestamp(change_hour)) * 1000 AS change_hour_ms, team, toString(silo) AS silo,
         from_team, toString(from_silo) AS from_silo, to_team, toString(to_silo) AS to_silo, ${FIGURES.join(', ')}
       FROM ${ROLLUP_TABLE} FINAL
       WHERE model_version = {model_version:String}
         AND hour >= toDateTime(intDiv({from_ms:Int64}, 1000), 'UTC') AND hour < toDateTime(intDiv({to_ms:Int64}, 1000), 'UTC')
         AND ${hourMs} IN {hours:Array(Int64)}
         AND version = transform(${hourMs}, {hours:Array(Int64)}, {versions:Array(UInt64)}, toUInt64(0))
       ORDER BY hour_ms, change_hour_ms`,
      { model_version: modelVersion, from_ms: chunk[0]!, to_ms: chunk[chunk.length - 1]! + HOUR_MS, hours: chunk, versions: chunk.map((hour) => builds.get(hour)!) },
      entryRow,
    );
    for (const row of rows) {
      const counts = FIGURES.map((figure) => row[figure]);
      byHour.get(row.hour_ms)?.push({
        role: row.role,
        team: intern(row.team),
        silo: intern(row.silo),
        fromTeam: intern(row.from_team),
        fromSilo: intern(row.from_silo),
        toTeam: intern(row.to_team),
        toSilo: intern(row.to_silo),
        changeHourMs: row.change_hour_ms,
        counts,
      });
    }
  }
  return new Map([...byHour].map(([hour, all]) => [hour, { all, total: overChangeHours(all), lastChangeHourMs: all.length ? all[all.length - 1]!.changeHourMs : Number.NEGATIVE_INFINITY }]));
}

/** Reads builds and entries from the tables for every question: for one-off readers (the CLI). */
export function rollupsFromTables(client: ClickHouseClient): RollupReader {
  return {
    hours: (modelVersion, fromMs, toMs) => readRollupHours(client, modelVersion, fromMs, toMs),
    entries: async (modelVersion, builds) => ({ byHour: await readRollupEntries(client, modelVersion, builds), loaded: builds.size > 0 }),
    changed: () => undefined,
  };
}

/** Entries a memory keeps at most (about 150 bytes each); the hours least recently used go first. */
export const DEFAULT_ROLLUP_MEMORY_ENTRIES = 4_000_000;

/**
 * The builds of every hour and the entries of the hours asked about, kept in memory while the
 * tables are in one state (tables_state_v1: every write of journey rows records one after its
 * builds). `at(state)` gives the reader for that state: the first question after a change reads
 * the builds of every hour again (one small read), and entries only for hours whose build changed.
 */
export function createRollupMemory(client: ClickHouseClient, maxEntries = DEFAULT_ROLLUP_MEMORY_ENTRIES) {
  let state: string | undefined;
  const builds = new Map<string, Promise<RollupHours>>();
  /** By model version and hour, least recently used first. */
  const kept = new Map<string, { version: number; entries: HourEntries }>();
  let keptEntries = 0;
  let loads = 0;
  const keyOf = (modelVersion: string, hour: number) => `${modelVersion}\u0000${hour}`;
  const forget = (key: string) => {
    const entry = kept.get(key);
    if (!entry) return;
    keptEntries -= entry.entries.all.length + entry.entries.total.length;
    kept.delete(key);
  };

  const reader: RollupReader = {
    async hours(modelVersion, fromMs, toMs) {
      let all = builds.get(modelVersion);
      if (!all) {
        all = readRollupHours(client, modelVersion, 0, Number.MAX_SAFE_INTEGER);
        builds.set(modelVersion, all);
        all.catch(() => builds.delete(modelVersion));
      }
      const { hours, complete } = await all;
      const first = Math.floor(fromMs / HOUR_MS) * HOUR_MS;
      const inRange = new Map<number, RollupHour>();
      if ((toMs - first) / HOUR_MS > hours.size) {
        for (const [hour, build] of hours) if (hour >= first && hour < toMs) inRange.set(hour, build);
      } else
        for (let hour = first; hour < toMs; hour += HOUR_MS) {
          const build = hours.get(hour);
          if (build) inRange.set(hour, build);
        }
      return { hours: inRange, complete };
    },
    async entries(modelVersion, wanted) {
      const byHour = new Map<number, HourEntries>();
      const missing = new Map<number, number>();
      for (const [hour, version] of wanted) {
        const key = keyOf(modelVersion, hour);
        const entry = kept.get(key);
        if (entry?.version === version) {
          kept.delete(key);
          kept.set(key, entry);
          byHour.set(hour, entry.entries);
        } else missing.set(hour, version);
      }
      if (missing.size === 0) return { byHour, loaded: false };
      loads += 1;
      for (const [hour, entries] of await readRollupEntries(client, modelVersion, missing)) {
        const key = keyOf(modelVersion, hour);
        forget(key);
        kept.set(key, { version: missing.get(hour)!, entries });
        keptEntries += entries.all.length + entries.total.length;
        byHour.set(hour, entries);
      }
      for (const key of kept.keys()) {
        if (keptEntries <= maxEntries) break;
        forget(key);
      }
      return { byHour, loaded: true };
    },
    changed(modelVersion, hours) {
      builds.delete(modelVersion);
      for (const hour of hours) forget(keyOf(modelVersion, hour));
    },
  };

  return {
    /** The reader for tables in `tablesState` (any string that changes whenever they are written). */
    at(tablesState: string): RollupReader {
      if (tablesState !== state) {
        state = tablesState;
        builds.clear();
      }
      return reader;
    },
    stats: () => ({ hours: kept.size, entries: keptEntries, loads }),
  };
}

export type RollupMemory = ReturnType<typeof createRollupMemory>;
