import type { ClickHouseClient } from '@clickhouse/client';
import type { CustomerMerge, IdentityUpdate, KnownIdentities } from '@seamline/journeys';

export const IDENTITIES_TABLE = 'identities_v1';
export const MERGES_TABLE = 'identity_merges_v1';
export const REFUSED_LINKS_TABLE = 'identity_refused_links_v1';

/** What the identity tables know about these identifiers and every identifier of their customers. */
export async function readKnownIdentities(client: ClickHouseClient, identifiers: string[]): Promise<KnownIdentities> {
  const customerOf = new Map<string, string>();
  const membersOf = new Map<string, string[]>();
  if (identifiers.length === 0) return { customerOf, membersOf };
  // By identifier (the sort key), then the customers found by customer_id (a skip index):
  // a batch of new identifiers costs one lookup, and nothing scans the whole table.
  const found = await client.query({
    query: `SELECT DISTINCT customer_id FROM ${IDENTITIES_TABLE} FINAL WHERE identifier IN {identifiers:Array(String)}`,
    query_params: { identifiers },
    format: 'JSONEachRow',
  });
  const customerIds = (await found.json<{ customer_id: string }>()).map((row) => row.customer_id);
  return readCustomerMembers(client, customerIds);
}

/** Every identifier identities_v1 gives these customers now (by customer_id, a skip index). */
export async function readCustomerMembers(client: ClickHouseClient, customerIds: readonly string[]): Promise<KnownIdentities> {
  const customerOf = new Map<string, string>();
  const membersOf = new Map<string, string[]>();
  if (customerIds.length === 0) return { customerOf, membersOf };
  const result = await client.query({
    query: `SELECT identifier, customer_id FROM ${IDENTITIES_TABLE} FINAL WHERE customer_id IN {customerIds:Array(String)}`,
    query_params: { customerIds },
    format: 'JSONEachRow',
  });
  for (const row of await result.json<{ identifier: string; customer_id: string }>()) {
    customerOf.set(row.identifier, row.customer_id);
    const members = membersOf.get(row.customer_id);
    if (members) members.push(row.identifier);
    else membersOf.set(row.customer_id, [row.identifier]);
  }
  return { customerOf, membersOf };
}

/**
 * Writes an update: the merge log and refused links, then the new and changed assignments. The
 * assignments go last: a batch cut short before them links the same way when it comes again,
 * so its merges are found and logged again (both logs are keyed by event and collapse repeats).
 */
export async function writeIdentityUpdate(client: ClickHouseClient, update: IdentityUpdate, at = new Date()): Promise<void> {
  const now = at.toISOString();
  const logs: Promise<unknown>[] = [];
  if (update.merges.length > 0) {
    const values = update.merges.map((m: CustomerMerge) => ({
      merged_at: now,
      event_id: m.eventId,
      customer_id: m.customerId,
      merged_customer_ids: m.mergedCustomerIds,
      identifiers: m.identifiers,
    }));
    logs.push(client.insert({ table: MERGES_TABLE, values, format: 'JSONEachRow' }));
  }
  if (update.refusedLinks.length > 0) {
    const values = update.refusedLinks.map((r) => ({ refused_at: now, event_id: r.eventId, identifiers: r.identifiers, reason: r.reason }));
    logs.push(client.insert({ table: REFUSED_LINKS_TABLE, values, format: 'JSONEachRow' }));
  }
  await Promise.all(logs);
  if (update.assignments.size > 0) {
    const values = [...update.assignments].map(([identifier, customer_id]) => ({ identifier, customer_id, updated_at: now }));
    await client.insert({ table: IDENTITIES_TABLE, values, format: 'JSONEachRow' });
  }
}

/** The customer of each identifier, as the tables say now (for people and tests). */
export async function readIdentities(client: ClickHouseClient): Promise<Map<string, string>> {
  const result = await client.query({
    query: `SELECT identifier, customer_id FROM ${IDENTITIES_TABLE} FINAL ORDER BY identifier`,
    format: 'JSONEachRow',
  });
  return new Map((await result.json<{ identifier: string; customer_id: string }>()).map((r) => [r.identifier, r.customer_id]));
}
