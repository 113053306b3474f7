import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { z } from 'zod';

/**
 * A read named `name`: the name leads the SQL as a comment and the query_id, so the query log
 * and traces say which query ran (and which was slow). Each row is parsed with `row`.
 */
export async function namedRead<T>(client: ClickHouseClient, name: string, sql: string, params: Record<string, unknown>, row: z.ZodType<T>): Promise<T[]> {
  const result = await client.query({
    query: `/* seamline:${name} */ ${sql}`,
    query_id: `seamline:${name}:${randomUUID()}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return (await result.json<unknown>()).map((value) => row.parse(value));
}
