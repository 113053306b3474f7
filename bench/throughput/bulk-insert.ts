// The bulk-insert baseline, a child process of the benchmark: the sample's rows, as the
// stitcher writes them (toEventRow and the version, storeNewEvents), inserted straight into
// events_v1 of a fresh database in large batches. What bounds the stitcher on the ClickHouse
// side. A child process so that the embedded engine (one per process) is its own; against a
// server it is the same code with a URL.
import { connectClickHouse, countEvents, EVENTS_TABLE, eventVersion, migrate, toEventRow } from '@seamline/clickhouse';
import type { Order } from '@seamline/generator';
import { childLogger, cpuSeconds, epochMs, ownPeakRssBytes, round1, serveChild, type CpuSeconds } from './children.ts';
import { acceptedSample, take } from './sample.ts';

export interface BulkInsertConfig {
  clickhouseUrl?: string | undefined;
  /** Data directory of the embedded engine (unused with a server). */
  dataDir: string;
  database: string;
  events: number;
  seed: number;
  /** Of the generated sample; default time. */
  order?: Order;
  batchRows: number;
}

export interface BulkInsertProgress {
  rows: number;
}

export interface BulkInsertReport {
  clickhouse: { mode: 'server' | 'embedded'; version: string };
  rows: number;
  batches: number;
  batchRows: number;
  /** Time inside insert calls (serialising the rows included), summed. */
  insertSeconds: number;
  /** Rows per second of insert time. */
  rate: number;
  /** Rows counted in the table afterwards. */
  storedRows: number;
  /** Building the rows (generate, validate, toEventRow) took the rest of the wall time. */
  wallSeconds: number;
  /** CPU of this process while inserting (with the embedded engine, ClickHouse's own work included). */
  insertCpu: CpuSeconds;
  peakRssBytes: number;
}

serveChild<BulkInsertConfig, BulkInsertReport, BulkInsertProgress>(async (config, progress) => {
  const logger = childLogger('bench-bulk-insert');
  const clickhouse = await connectClickHouse({ url: config.clickhouseUrl, database: config.database, dataDir: config.dataDir }, logger);
  try {
    await migrate(clickhouse.client);
    const versionResult = await clickhouse.client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
    const version = (await versionResult.json<{ version: string }>())[0]?.version ?? 'unknown';
    const sample = acceptedSample(config.events, config.seed, config.order);
    const wallStarted = epochMs();
    let rows = 0;
    let batches = 0;
    let insertMs = 0;
    let cpuUser = 0;
    let cpuSystem = 0;
    for (;;) {
      const batch = take(sample, config.batchRows).map((event) => ({ ...toEventRow(event), version: eventVersion(event) }));
      if (batch.length === 0) break;
      const cpuBefore = process.cpuUsage();
      const started = epochMs();
      await clickhouse.client.insert({ table: EVENTS_TABLE, values: batch, format: 'JSONEachRow' });
      insertMs += epochMs() - started;
      const cpu = process.cpuUsage(cpuBefore);
      cpuUser += cpu.user;
      cpuSystem += cpu.system;
      rows += batch.length;
      batches += 1;
      progress({ rows });
    }
    const wallSeconds = (epochMs() - wallStarted) / 1000;
    const storedRows = (await countEvents(clickhouse.client)).rows;
    return {
      clickhouse: { mode: clickhouse.mode, version },
      rows,
      batches,
      batchRows: config.batchRows,
      insertSeconds: round1(insertMs / 1000),
      rate: insertMs > 0 ? Math.round((rows / insertMs) * 1000) : 0,
      storedRows,
      wallSeconds: round1(wallSeconds),
      insertCpu: cpuSeconds({ user: cpuUser, system: cpuSystem }, insertMs),
      peakRssBytes: ownPeakRssBytes(),
    };
  } finally {
    await clickhouse.close();
  }
});
