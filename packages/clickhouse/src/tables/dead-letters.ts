import type { ClickHouseClient } from '@clickhouse/client';
import type { DeadLetter } from '@seamline/schemas';

export const DEAD_LETTERS_TABLE = 'dead_letters_v1';

/** A stored dead letter and whether a replay has since ingested it. */
export interface StoredDeadLetter extends DeadLetter {
  replayed: boolean;
  storedAt: string;
}

interface Row {
  id: string;
  received_at: string;
  source: string;
  reason: string;
  path: string;
  payload: string;
  replayed: number;
  stored_at: string;
}

const iso = (value: string) => (value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);

function toRow(letter: DeadLetter, replayed = false) {
  return {
    id: letter.id,
    received_at: letter.receivedAt,
    source: letter.source,
    reason: letter.reason,
    path: letter.path,
    payload: letter.payload,
    replayed: replayed ? 1 : 0,
  };
}

/** Stores dead letters. The newest row per id wins, so writing a letter again updates it. */
export async function storeDeadLetters(client: ClickHouseClient, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await client.insert({ table: DEAD_LETTERS_TABLE, values: letters.map((l) => toRow(l)), format: 'JSONEachRow' });
}

/** Marks letters as ingested by a replay; they stay in the table for the record. */
export async function markDeadLettersReplayed(client: ClickHouseClient, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await client.insert({ table: DEAD_LETTERS_TABLE, values: letters.map((l) => toRow(l, true)), format: 'JSONEachRow' });
}

export interface DeadLetterFilter {
  reason?: string | undefined;
  source?: string | undefined;
  /** Include letters a replay already ingested (default false). */
  includeReplayed?: boolean;
  limit?: number;
}

export async function listDeadLetters(client: ClickHouseClient, filter: DeadLetterFilter = {}): Promise<StoredDeadLetter[]> {
  const result = await client.query({
    query: `
      SELECT id, received_at, source, reason, path, payload, replayed, stored_at
      FROM ${DEAD_LETTERS_TABLE} FINAL
      WHERE ({includeReplayed:UInt8} = 1 OR replayed = 0)
        AND ({reason:String} = '' OR reason = {reason:String} OR startsWith(reason, concat({reason:String}, ':')))
        AND ({source:String} = '' OR source = {source:String})
      ORDER BY received_at, id
      LIMIT {limit:UInt32}`,
    query_params: {
      includeReplayed: filter.includeReplayed ? 1 : 0,
      reason: filter.reason ?? '',
      source: filter.source ?? '',
      limit: filter.limit ?? 1_000_000,
    },
    format: 'JSONEachRow',
  });
  return (await result.json<Row>()).map((row) => ({
    id: row.id,
    receivedAt: iso(row.received_at),
    source: row.source,
    reason: row.reason,
    path: row.path,
    payload: row.payload,
    replayed: Number(row.replayed) === 1,
    storedAt: iso(row.stored_at),
  }));
}

/** Dead letters still waiting for a fix, counted by reason. */
export async function countDeadLettersByReason(client: ClickHouseClient): Promise<Record<string, number>> {
  const result = await client.query({
    query: `SELECT reason, count() AS n FROM ${DEAD_LETTERS_TABLE} FINAL WHERE replayed = 0 GROUP BY reason ORDER BY reason`,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ reason: string; n: number | string }>();
  return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
}
