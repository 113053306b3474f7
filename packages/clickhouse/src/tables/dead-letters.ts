import type { ClickHouseClient } from '@clickhouse/client';
import type { DeadLetter } from '@seamline/schemas';

export const DEAD_LETTERS_TABLE = 'dead_letters_v1';

export async function storeDeadLetters(client: ClickHouseClient, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await client.insert({
    table: DEAD_LETTERS_TABLE,
    values: letters.map((l) => ({
      id: l.id,
      received_at: l.receivedAt,
      source: l.source,
      reason: l.reason,
      path: l.path,
      payload: l.payload,
    })),
    format: 'JSONEachRow',
  });
}

export async function countDeadLettersByReason(client: ClickHouseClient): Promise<Record<string, number>> {
  const result = await client.query({
    query: `SELECT reason, count() AS n FROM ${DEAD_LETTERS_TABLE} FINAL GROUP BY reason ORDER BY reason`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ reason: string; n: number | string }>();
  return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
}
