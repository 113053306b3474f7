import type { ClickHouseClient } from '@clickhouse/client';
import { IDENTITIES_TABLE } from './identities.ts';

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

/** Writes customers' states, and marks those merged into another as deleted. */
export async function writeCustomerStates(
  client: ClickHouseClient,
  states: readonly StoredCustomerState[],
  gone: readonly string[],
  at: Date,
): Promise<void> {
  const linked_at = at.toISOString();
  const values = [
    ...states.map((s) => [s.customerId, s.members, s.inputs, s.inputCount, s.rowPrints, s.modelVersion, linked_at, 0]),
    ...gone.map((customerId) => [customerId, [], '', 0, '', '', linked_at, 1]),
  ];
  if (values.length === 0) return;
  await client.insert({
    table: CUSTOMER_STATE_TABLE,
    columns: ['customer_id', 'members', 'inputs', 'input_count', 'row_prints', 'model_version', 'linked_at', 'is_deleted'],
    values,
    format: 'JSONCompactEachRow',
  });
}

/**
 * The newest state of each of these customers that has one and is not deleted, read by the sort
 * key; the newest copy is picked here rather than with FINAL, which would read whole key ranges.
 */
export async function readCustomerStates(client: ClickHouseClient, customerIds: readonly string[]): Promise<Map<string, StoredCustomerState>> {
  const states = new Map<string, StoredCustomerState>();
  if (customerIds.length === 0) return states;
  const result = await client.query({
    query: `SELECT customer_id, argMax(tuple(members, inputs, input_count, row_prints, model_version, is_deleted), linked_at) AS s
            FROM ${CUSTOMER_STATE_TABLE} WHERE customer_id IN {ids:Array(String)} GROUP BY customer_id`,
    query_params: { ids: customerIds },
    format: 'JSONCompactEachRow',
  });
  type Row = [string, [string[], string, number, string, string, number]];
  for (const [customerId, [members, inputs, inputCount, rowPrints, modelVersion, deleted]] of await result.json<Row>()) {
    if (Number(deleted) === 1) continue;
    states.set(customerId, { customerId, members, inputs, inputCount: Number(inputCount), rowPrints, modelVersion });
  }
  return states;
}

/** The customer each of these identifiers belongs to now, read by the sort key of identities_v1. */
export async function lookupCustomers(client: ClickHouseClient, identifiers: readonly string[]): Promise<Map<string, string>> {
  if (identifiers.length === 0) return new Map();
  const result = await client.query({
    query: `SELECT identifier, argMax(customer_id, updated_at) FROM ${IDENTITIES_TABLE}
            WHERE identifier IN {ids:Array(String)} GROUP BY identifier`,
    query_params: { ids: identifiers },
    format: 'JSONCompactEachRow',
  });
  return new Map(await result.json<[string, string]>());
}
