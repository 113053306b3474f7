import type { ClickHouseClient } from '@clickhouse/client';
import type { DeadLetter } from '@seamline/schemas';
import { z } from 'zod';
import { namedInsert, namedRead } from './named-query.ts';

export const DEAD_LETTERS_TABLE = 'dead_letters_v1';

/** A stored dead letter and whether a replay has since ingested it. */
export interface StoredDeadLetter extends DeadLetter {
  replayed: boolean;
  storedAt: string;
}

/** A row of dead_letters_v1; stored_at is set by the table when the row is written. */
export const deadLetterRow = z.object({
  id: z.string(),
  received_at: z.string(),
  source: z.string(),
  reason: z.string(),
  path: z.string(),
  payload: z.string(),
  replayed: z.coerce.number(),
  stored_at: z.string(),
});
type DeadLetterWrite = Omit<z.infer<typeof deadLetterRow>, 'stored_at'>;

const iso = (value: string) => (value.includes('T') ? value : `${value.replace(' ', 'T')}Z`);

function toRow(letter: DeadLetter, replayed = false): DeadLetterWrite {
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
  await namedInsert(client, 'dead-letters.store', DEAD_LETTERS_TABLE, letters.map((l) => toRow(l)));
}

/** Marks letters as ingested by a replay; they stay in the table for the record. */
export async function markDeadLettersReplayed(client: ClickHouseClient, letters: DeadLetter[]): Promise<void> {
  await namedInsert(client, 'dead-letters.mark-replayed', DEAD_LETTERS_TABLE, letters.map((l) => toRow(l, true)));
}

export interface DeadLetterFilter {
  reason?: string | undefined;
  source?: string | undefined;
  /** Include letters a replay already ingested (default false). */
  includeReplayed?: boolean;
  limit?: number;
}

export async function listDeadLetters(client: ClickHouseClient, filter: DeadLetterFilter = {}): Promise<StoredDeadLetter[]> {
  const rows = await namedRead(
    client,
    'dead-letters.list',
    `
      SELECT id, received_at, source, reason, path, payload, replayed, stored_at
      FROM ${DEAD_LETTERS_TABLE} FINAL
      WHERE ({includeReplayed:UInt8} = 1 OR replayed = 0)
        AND ({reason:String} = '' OR reason = {reason:String} OR startsWith(reason, concat({reason:String}, ':')))
        AND ({source:String} = '' OR source = {source:String})
      ORDER BY received_at, id
      LIMIT {limit:UInt32}`,
    {
      includeReplayed: filter.includeReplayed ? 1 : 0,
      reason: filter.reason ?? '',
      source: filter.source ?? '',
      limit: filter.limit ?? 1_000_000,
    },
    deadLetterRow,
  );
  return rows.map((row) => ({
    id: row.id,
    receivedAt: iso(row.received_at),
    source: row.source,
    reason: row.reason,
    path: row.path,
    payload: row.payload,
    replayed: row.replayed === 1,
    storedAt: iso(row.stored_at),
  }));
}

/** Dead letters still waiting for a fix, counted by reason. */
export async function countDeadLettersByReason(client: ClickHouseClient): Promise<Record<string, number>> {
  const rows = await namedRead(
    client,
    'dead-letters.count-by-reason',
    `SELECT reason, count() AS n FROM ${DEAD_LETTERS_TABLE} FINAL WHERE replayed = 0 GROUP BY reason ORDER BY reason`,
    {},
    z.object({ reason: z.string(), n: z.coerce.number() }),
  );
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]));
}
