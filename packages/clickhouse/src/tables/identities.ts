import type { ClickHouseClient } from '@clickhouse/client';
import type { CustomerMerge, IdentityUpdate, KnownIdentities } from '@seamline/journeys';
import { z } from 'zod';
import { namedInsert, namedRead } from './named-query.ts';

export const IDENTITIES_TABLE = 'identities_v1';
export const MERGES_TABLE = 'identity_merges_v1';
export const REFUSED_LINKS_TABLE = 'identity_refused_links_v1';

/** A row of identities_v1: the customer an identifier ("kind:value") belongs to since updated_at. */
export const identityRow = z.object({ identifier: z.string(), customer_id: z.string(), updated_at: z.string() });
/** A row of identity_merges_v1: customers an event found to be one. */
export const identityMergeRow = z.object({
  merged_at: z.string(),
  event_id: z.string(),
  customer_id: z.string(),
  merged_customer_ids: z.array(z.string()),
  identifiers: z.array(z.string()),
});
/** A row of identity_refused_links_v1: a link the over-merging guard refused. */
export const refusedLinkRow = z.object({ refused_at: z.string(), event_id: z.string(), identifiers: z.array(z.string()), reason: z.string() });

const customerIdRow = identityRow.pick({ customer_id: true });
const assignmentRow = identityRow.pick({ identifier: true, customer_id: true });

/** What the identity tables know about these identifiers and every identifier of their customers. */
export async function readKnownIdentities(client: ClickHouseClient, identifiers: string[]): Promise<KnownIdentities> {
  const customerOf = new Map<string, string>();
  const membersOf = new Map<string, string[]>();
  if (identifiers.length === 0) return { customerOf, membersOf };
  // By identifier (the sort key), then the customers found by customer_id (a skip index):
  // a batch of new identifiers costs one lookup, and nothing scans the whole table.
  const found = await namedRead(
    client,
    'identities.customers-of-identifiers',
    `SELECT DISTINCT customer_id FROM ${IDENTITIES_TABLE} FINAL WHERE identifier IN {identifiers:Array(String)}`,
    { identifiers },
    customerIdRow,
  );
  return readCustomerMembers(client, found.map((row) => row.customer_id));
}

/** Every identifier identities_v1 gives these customers now (by customer_id, a skip index). */
export async function readCustomerMembers(client: ClickHouseClient, customerIds: readonly string[]): Promise<KnownIdentities> {
  const customerOf = new Map<string, string>();
  const membersOf = new Map<string, string[]>();
  if (customerIds.length === 0) return { customerOf, membersOf };
  const rows = await namedRead(
    client,
    'identities.customer-members',
    `SELECT identifier, customer_id FROM ${IDENTITIES_TABLE} FINAL WHERE customer_id IN {customerIds:Array(String)}`,
    { customerIds },
    assignmentRow,
  );
  for (const row of rows) {
    customerOf.set(row.identifier, row.customer_id);
    const members = membersOf.get(row.customer_id);
    if (members) members.push(row.identifier);
    else membersOf.set(row.customer_id, [row.identifier]);
  }
  return { customerOf, membersOf };
}

/** Every customer identities_v1 knows now, in id order (a whole-table read: for a rebuild). */
export async function readAllCustomerIds(client: ClickHouseClient): Promise<string[]> {
  const rows = await namedRead(client, 'identities.all-customers', `SELECT DISTINCT customer_id FROM ${IDENTITIES_TABLE} FINAL ORDER BY customer_id`, {}, customerIdRow);
  return rows.map((row) => row.customer_id);
}

/**
 * Writes an update: the merge log and refused links, then the new and changed assignments. The
 * assignments go last: a batch cut short before them links the same way when it comes again,
 * so its merges are found and logged again (both logs are keyed by event and collapse repeats).
 */
export async function writeIdentityUpdate(client: ClickHouseClient, update: IdentityUpdate, at = new Date()): Promise<void> {
  const now = at.toISOString();
  const merges: z.input<typeof identityMergeRow>[] = update.merges.map((m: CustomerMerge) => ({
    merged_at: now,
    event_id: m.eventId,
    customer_id: m.customerId,
    merged_customer_ids: m.mergedCustomerIds,
    identifiers: m.identifiers,
  }));
  const refused: z.input<typeof refusedLinkRow>[] = update.refusedLinks.map((r) => ({ refused_at: now, event_id: r.eventId, identifiers: r.identifiers, reason: r.reason }));
  await Promise.all([namedInsert(client, 'identities.write-merges', MERGES_TABLE, merges), namedInsert(client, 'identities.write-refused-links', REFUSED_LINKS_TABLE, refused)]);
  const assignments: z.input<typeof identityRow>[] = [...update.assignments].map(([identifier, customer_id]) => ({ identifier, customer_id, updated_at: now }));
  await namedInsert(client, 'identities.write-assignments', IDENTITIES_TABLE, assignments);
}

/** The customer of each identifier, as the tables say now (for people and tests). */
export async function readIdentities(client: ClickHouseClient): Promise<Map<string, string>> {
  const rows = await namedRead(client, 'identities.all', `SELECT identifier, customer_id FROM ${IDENTITIES_TABLE} FINAL ORDER BY identifier`, {}, assignmentRow);
  return new Map(rows.map((r) => [r.identifier, r.customer_id]));
}
