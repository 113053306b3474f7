import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

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
  await client.command({
    query: `CREATE TABLE IF NOT EXISTS schema_migrations_v1
      (version UInt32, name String, applied_at DateTime64(3, 'UTC') DEFAULT now64(3))
      ENGINE = ReplacingMergeTree(applied_at) ORDER BY version`,
  });
  const applied: number[] = [];
  for (const migration of migrations) {
    for (const statement of migration.statements) await client.command({ query: statement });
    applied.push(migration.version);
  }
  if (applied.length > 0) {
    await client.insert({
      table: 'schema_migrations_v1',
      values: migrations.map(({ version, name }) => ({ version, name })),
      format: 'JSONEachRow',
    });
  }
  return applied;
}
