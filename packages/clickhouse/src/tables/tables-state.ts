import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { namedInsert, namedRead } from './named-query.ts';
import { isoFromClickHouse } from './time.ts';

export const TABLES_STATE_TABLE = 'tables_state_v1';

export interface TablesState {
  /** The latest occurredAt of any stored event (ISO), undefined when none is stored. */
  latestEventAt: string | undefined;
  /** Grows with every write to the events or the stitched tables: equal counts, same tables. */
  writes: number;
}

/** A row of tables_state_v1: one write, and the latest occurredAt of the events it wrote if any. */
export const tablesStateRow = z.object({ latest_event_at: z.string().nullable(), writes: z.literal(1) });

/** Notes a write to the events or stitched tables, with the latest occurredAt of the events written. */
export async function recordTablesWrite(client: ClickHouseClient, latestEventAt?: string): Promise<void> {
  const row: z.input<typeof tablesStateRow> = { latest_event_at: latestEventAt ?? null, writes: 1 };
  await namedInsert(client, 'tables-state.record-write', TABLES_STATE_TABLE, [row]);
}

export async function readTablesState(client: ClickHouseClient): Promise<TablesState> {
  const [row] = await namedRead(
    client,
    'tables-state.read',
    `SELECT max(latest_event_at) AS latest, sum(writes) AS writes FROM ${TABLES_STATE_TABLE}`,
    {},
    z.object({ latest: z.string().nullable(), writes: z.coerce.number() }),
  );
  return { latestEventAt: row?.latest ? isoFromClickHouse(row.latest) : undefined, writes: row?.writes ?? 0 };
}
