import type { ClickHouse } from '@seamline/clickhouse';

type ClickHouseClient = ClickHouse['client'];

/** Versions recorded in schema_migrations_v1; none when the store was never migrated. */
export async function appliedVersions(client: ClickHouseClient): Promise<number[]> {
  const exists = await client.query({
    query: `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations_v1'`,
    format: 'JSONEachRow',
  });
  const [row] = await exists.json<{ n: number | string }>();
  if (Number(row?.n ?? 0) === 0) return [];
  const result = await client.query({ query: 'SELECT DISTINCT version FROM schema_migrations_v1 ORDER BY version', format: 'JSONEachRow' });
  return (await result.json<{ version: number }>()).map((r) => Number(r.version));
}
