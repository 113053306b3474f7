import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { IDENTITIES_TABLE } from './identities.ts';
import { namedInsert, namedRead } from './named-query.ts';

export const CUSTOMER_STATE_TABLE = 'customer_state_v1';

/** One customer as the stitcher keeps it (see customer_state_v1). */
export interface StoredCustomerState {
  customerId: string;
  members: string[];
  /** The journey inputs, serialised by the stitcher. */
  inputs: string;
  inputCount: number;
  /** Row fingerprints, serialised by the stitcher. */
  rowPrints: string;
  modelVersion: string;
}

/** A row of customer_state_v1; a customer merged into another is a row with is_deleted = 1. */
export const customerStateRow = z.object({
  customer_id: z.string(),
  members: z.array(z.string()),
  inputs: z.string(),
  input_count: z.coerce.number(),
  row_prints: z.string(),
  model_version: z.string(),
  linked_at: z.string(),
  is_deleted: z.coerce.number(),
});
export type CustomerStateRow = z.infer<typeof customerStateRow>;

/** Writes customers' states, and marks those merged into another as deleted. */
export async function writeCustomerStates(
  client: ClickHouseClient,
  states: readonly StoredCustomerState[],
  gone: readonly string[],
  at: Date,
): Promise<void> {
  const linked_at = at.toISOString();
  const rows: CustomerStateRow[] = [
    ...states.map((s) => ({
      customer_id: s.customerId,
      members: s.members,
      inputs: s.inputs,
      input_count: s.inputCount,
      row_prints: s.rowPrints,
      model_version: s.modelVersion,
      linked_at,
      is_deleted: 0,
    })),
    ...gone.map((customer_id) => ({ customer_id, members: [], inputs: '', input_count: 0, row_prints: '', model_version: '', linked_at, is_deleted: 1 })),
  ];
  await namedInsert(client, 'customer-state.write', CUSTOMER_STATE_TABLE, rows);
}

/**
 * The newest state of each of these customers that has one and is not deleted, read by the sort
 * key; the newest copy is picked here rather than with FINAL, which would read whole key ranges.
 */
export async function readCustomerStates(client: ClickHouseClient, customerIds: readonly string[]): Promise<Map<string, StoredCustomerState>> {
  const states = new Map<string, StoredCustomerState>();
  if (customerIds.length === 0) return states;
  const rows = await namedRead(
    client,
    'customer-state.read',
    `SELECT customer_id, s.1 AS members, s.2 AS inputs, s.3 AS input_count, s.4 AS row_prints, s.5 AS model_version, s.6 AS is_deleted
     FROM (
       SELECT customer_id, argMax(tuple(members, inputs, input_count, row_prints, model_version, is_deleted), linked_at) AS s
       FROM ${CUSTOMER_STATE_TABLE} WHERE customer_id IN {ids:Array(String)} GROUP BY customer_id
     )`,
    { ids: customerIds },
    customerStateRow.omit({ linked_at: true }),
  );
  for (const row of rows) {
    if (row.is_deleted === 1) continue;
    states.set(row.customer_id, {
      customerId: row.customer_id,
      members: row.members,
      inputs: row.inputs,
      inputCount: row.input_count,
      rowPrints: row.row_prints,
      modelVersion: row.model_version,
    });
  }
  return states;
}

/** The customer each of these identifiers belongs to now, read by the sort key of identities_v1. */
export async function lookupCustomers(client: ClickHouseClient, identifiers: readonly string[]): Promise<Map<string, string>> {
  if (identifiers.length === 0) return new Map();
  const rows = await namedRead(
    client,
    'customer-state.lookup-customers',
    `SELECT identifier, argMax(customer_id, updated_at) AS customer_id FROM ${IDENTITIES_TABLE}
     WHERE identifier IN {ids:Array(String)} GROUP BY identifier`,
    { ids: identifiers },
    z.tuple([z.string(), z.string()]),
    'JSONCompactEachRow',
  );
  return new Map(rows);
}
