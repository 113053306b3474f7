import type { ClickHouseClient } from '@clickhouse/client';
import { isoFromClickHouse } from './time.ts';

export const TABLES_STATE_TABLE = 'tables_state_v1';

export interface TablesState {
  /** The latest occurredAt of any stored event (ISO), undefined when none is stored. */
  latestEventAt: string | undefined;
  /** Grows with every write to the events or the stitched tables: equal counts, same tables. */
  writes: number;
}

/** Notes a write to the events or stitched tables, with the latest occurredAt of the events written. */
export async function recordTablesWrite(client: ClickHouseClient, latestEventAt?: string): Promise<void> {
  await client.insert({
    table: TABLES_STATE_TABLE,
    values: [{ latest_event_at: latestEventAt ?? null, writes: 1 }],
    format: 'JSONEachRow',
  });
}

export async function readTablesState(client: ClickHouseClient): Promise<TablesState> {
  const result = await client.query({
    query: `SELECT max(latest_event_at) AS latest, sum(writes) AS writes FROM ${TABLES_STATE_TABLE}`,
    format: 'JSONEachRow',
  });
  const [row] = await result.json<{ latest: string | null; writes: number | string }>();
  return { latestEventAt: row?.latest ? isoFromClickHouse(row.latest) : undefined, writes: Number(row?.writes ?? 0) };
}
