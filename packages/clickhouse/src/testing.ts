import type { ClickHouseClient } from '@clickhouse/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClickHouse, type ClickHouse } from './client.ts';
import { migrate } from './migrations.ts';

/**
 * A migrated ClickHouse for one test file: a fresh database on the stack's server when there is
 * one, else the embedded engine in a fresh temporary directory (one per process, as chDB requires).
 */
export async function openTestClickHouse(clickhouseUrl?: string): Promise<ClickHouse> {
  const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const clickhouse = await connectClickHouse({
    url: clickhouseUrl,
    database: `seamline_test_${suffix}`,
    dataDir: mkdtempSync(join(tmpdir(), 'seamline-test-')),
  });
  await migrate(clickhouse.client);
  return clickhouse;
}

/** Empties every table of the test database but the migration log, for a test that starts over. */
export async function emptyTables(client: ClickHouseClient): Promise<void> {
  const result = await client.query({
    query: "SELECT name FROM system.tables WHERE database = currentDatabase() AND name != 'schema_migrations_v1' AND engine NOT LIKE '%View%'",
    format: 'JSONEachRow',
  });
  for (const { name } of await result.json<{ name: string }>()) await client.command({ query: `TRUNCATE TABLE ${name}` });
}
