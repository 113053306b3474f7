import { randomUUID } from 'node:crypto';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import type { z } from 'zod';

/** The query_id of a query named `name`: unique per run, and the query log groups runs by its prefix. */
const queryId = (name: string) => `seamline:${name}:${randomUUID()}`;

/**
 * A read named `name`: the name leads the SQL as a comment and the query_id, so the query log
 * and traces say which query ran (and which was slow). Each row is parsed with `row`. A read of
 * many narrow rows may ask for `JSONCompactEachRow`: rows come as arrays, cheaper to encode and
 * parse than objects, and `row` is then a tuple.
 */
export async function namedRead<T>(
  client: ClickHouseClient,
  name: string,
  sql: string,
  params: Record<string, unknown>,
  row: z.ZodType<T>,
  format: 'JSONEachRow' | 'JSONCompactEachRow' = 'JSONEachRow',
): Promise<T[]> {
  const result = await client.query({
    query: `/* seamline:${name} */ ${sql}`,
    query_id: queryId(name),
    query_params: params,
    format,
  });
  return (await result.json<unknown>()).map((value) => row.parse(value));
}

/**
 * A write named `name` (in its query_id, as namedRead names reads; the client writes the INSERT
 * itself, so there is no SQL to put a comment in). Rows are typed by the table's row schema; they
 * are built by this package, so they are not parsed again on the way out (a parse costs about
 * half of what encoding them does). Rows as arrays need `columns`, in their order.
 */
export async function namedInsert<Row extends object>(
  client: ClickHouseClient,
  name: string,
  table: string,
  rows: readonly Row[],
  columns?: [string, ...string[]],
): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({
    table,
    values: rows,
    format: columns ? 'JSONCompactEachRow' : 'JSONEachRow',
    query_id: queryId(name),
    ...(columns && { columns }),
  });
}

/** A statement that returns no rows (DDL, TRUNCATE, INSERT ... SELECT), named as namedRead names reads. */
export async function namedCommand(
  client: ClickHouseClient,
  name: string,
  sql: string,
  params: Record<string, unknown> = {},
  settings: ClickHouseSettings = {},
): Promise<void> {
  await client.command({ query: `/* seamline:${name} */ ${sql}`, query_id: queryId(name), query_params: params, clickhouse_settings: settings });
}
