import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { namedCommand, namedInsert, namedRead } from './tables/named-query.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export const MIGRATIONS_TABLE = 'schema_migrations_v1';

/** A row of schema_migrations_v1: a migration that ran (applied_at is set by the table). */
const migrationRow = z.object({ version: z.coerce.number(), name: z.string() });

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** Reads migrations/NNN_name.sql in order; statements are separated by a line ending in ';'. */
export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(`${dir}/${file}`, 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n');
      return {
        version: Number(file.slice(0, 3)),
        name: file.replace(/\.sql$/, ''),
        statements: sql
          .split(/;\s*(?:\n|$)/)
          .map((statement) => statement.trim())
          .filter(Boolean),
      };
    });
}

/**
 * Applies every migration. Each statement is idempotent (IF NOT EXISTS), so running them all at
 * every start is safe; the log table only records what ran, for people reading the database.
 */
export async function migrate(client: ClickHouseClient, migrations: Migration[] = readMigrations()): Promise<number[]> {
  await namedCommand(
    client,
    'migrations.log-table',
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE}
      (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`,
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    for (const statement of migration.statements) await namedCommand(client, `migrations.${migration.name}`, statement);
    applied.push(migration.version);
  }
  const rows: z.infer<typeof migrationRow>[] = migrations.map(({ version, name }) => ({ version, name }));
  await namedInsert(client, 'migrations.record', MIGRATIONS_TABLE, rows);
  return applied;
}

/** Versions recorded in schema_migrations_v1, in order; none when the store was never migrated. */
export async function appliedMigrationVersions(client: ClickHouseClient): Promise<number[]> {
  const [log] = await namedRead(
    client,
    'migrations.log-exists',
    `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = {table:String}`,
    { table: MIGRATIONS_TABLE },
    z.object({ n: z.coerce.number() }),
  );
  if ((log?.n ?? 0) === 0) return [];
  const rows = await namedRead(client, 'migrations.applied', `SELECT DISTINCT version FROM ${MIGRATIONS_TABLE} ORDER BY version`, {}, migrationRow.pick({ version: true }));
  return rows.map((row) => row.version);
}
