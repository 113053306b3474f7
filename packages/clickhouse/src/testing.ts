import type { ClickHouseClient } from '@clickhouse/client';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { connectClickHouse, type ClickHouse } from './client.ts';
import { migrate, MIGRATIONS_TABLE } from './migrations.ts';
import { namedCommand, namedRead } from './tables/named-query.ts';

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
  const tables = await namedRead(
    client,
    'testing.tables',
    "SELECT name FROM system.tables WHERE database = currentDatabase() AND name != {log:String} AND engine NOT LIKE '%View%'",
    { log: MIGRATIONS_TABLE },
    z.object({ name: z.string() }),
  );
  await truncateTables(client, tables.map((table) => table.name));
}

/** Empties these tables of the test database, one after the other. */
export async function truncateTables(client: ClickHouseClient, tables: readonly string[]): Promise<void> {
  for (const table of tables) await namedCommand(client, 'testing.truncate', `TRUNCATE TABLE ${table}`);
}
