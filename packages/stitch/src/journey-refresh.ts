import type { ClickHouseClient } from '@clickhouse/client';
import {
  journeyRows,
  newestCopies,
  readCustomersEvents,
  readJourneyModel,
  readKnownIdentities,
  storedJourneyKeys,
  type ThreadHistory,
  writeJourneyModel,
  writeJourneyRows,
} from '@seamline/clickhouse';
import { buildJourneys, journeyModelVersion, type KnownIdentities, type OrgMap } from '@seamline/journeys';
import type { Logger } from '@seamline/log';
import { identifierKeys, type CanonicalEvent } from '@seamline/schemas';

export interface JourneySettings {
  /** The org map in force. */
  orgMap: () => OrgMap;
  repeatWindowMs: number;
  billingWindowMs: number;
  maxIdentifiers: number;
}

/** A batch as linked: its events, the identities before and after it, and its tickets' and calls' history. */
export interface LinkedBatch {
  events: readonly CanonicalEvent[];
  before: KnownIdentities;
  after: KnownIdentities;
  threads: ThreadHistory;
}

/** Rows hold what all stored events say; the metric API applies its asOf to maturity. */
const ALL_EVENTS = new Date('9999-12-31T00:00:00Z');
const REBUILD_CHUNK = 2_000;

/**
 * Keeps contacts_v1, journeys_v1 and handoffs_v1 current: after each batch, recomputes the
 * customers the batch touches (by identifier, or by ticket or call) from their stored events,
 * and marks the journeys and handoffs that no longer exist. Nothing else is read or written.
 */
export function createJourneyRefresher(client: ClickHouseClient, settings: JourneySettings, logger: Logger) {
  const version = () =>
    journeyModelVersion(settings.orgMap(), settings.repeatWindowMs, settings.billingWindowMs, settings.maxIdentifiers);

  /**
   * Recomputes these customers from their stored events, plus the given events of the customers
   * in `fromBatch` (customers with nothing stored before the batch: their events are all in it,
   * so nothing is read back for them). Marks journeys and handoffs that no longer exist.
   */
  async function refreshCustomers(
    membersOf: ReadonlyMap<string, readonly string[]>,
    options: { replacedCustomerIds?: readonly string[]; fromBatch?: { customerIds: ReadonlySet<string>; events: CanonicalEvent[] } } = {},
  ): Promise<number> {
    const customerIds = [...membersOf.keys()];
    if (customerIds.length === 0) return 0;
    const fromBatch = options.fromBatch?.customerIds ?? new Set<string>();
    const stored = customerIds.filter((id) => !fromBatch.has(id));
    const members = stored.flatMap((id) => membersOf.get(id) ?? []);
    const events = [...(await readCustomersEvents(client, members)), ...(options.fromBatch?.events ?? [])];
    const model = buildJourneys(events, settings.orgMap(), {
      asOf: ALL_EVENTS,
      repeatWindowMs: settings.repeatWindowMs,
      billingWindowMs: settings.billingWindowMs,
      maxIdentifiers: settings.maxIdentifiers,
    });
    const affected = new Set(customerIds);
    // Events of other customers' tickets may come along; only the customers asked for are complete.
    const customers = model.customers.filter((c) => affected.has(c.customerId));
    const computedAt = new Date();
    const rows = journeyRows(customers, version(), settings.repeatWindowMs, computedAt);
    // Rows that went away belong to customers with something stored before, to customers merged
    // away, or to whoever the stored rows of these contacts name.
    const before = await storedJourneyKeys(client, {
      customerIds: [...new Set([...stored, ...(options.replacedCustomerIds ?? [])])],
      contactEventIds: rows.contacts.map((contact) => contact.event_id as string),
    });
    const journeysNow = new Set(rows.journeys.map((j) => j.journey_id as string));
    const handoffsNow = new Set(rows.handoffs.map((h) => h.handoff_id as string));
    const gone = {
      journeys: before.journeys.filter((id) => !journeysNow.has(id)),
      handoffs: before.handoffs.filter((id) => !handoffsNow.has(id)),
    };
    await writeJourneyRows(client, rows, gone, computedAt);
    return customers.length;
  }

  return {
    version,

    /**
     * After a batch is stored and linked: recompute the customers it touches, by identifier or
     * by ticket or call. Customers none of whose identifiers were known before the batch, and
     * whose tickets and calls have nothing stored besides the batch, are computed from the batch.
     */
    async refreshForBatch(batch: LinkedBatch): Promise<void> {
      if (batch.events.length === 0) return;
      const { before, after } = batch;
      const touched = new Set<string>();
      for (const key of [...batch.events.flatMap((e) => identifierKeys(e.customer)), ...batch.threads.identifiers]) {
        const customer = after.customerOf.get(key);
        if (customer !== undefined) touched.add(customer);
      }
      const membersOf = new Map([...touched].map((id) => [id, after.membersOf.get(id) ?? []] as const));
      const fresh = new Set<string>();
      const freshEvents: CanonicalEvent[] = [];
      const freshThreads = new Set<string>();
      const unnamed: CanonicalEvent[] = [];
      const byCustomer = new Map<string, CanonicalEvent[]>();
      for (const event of newestCopies(batch.events).values()) {
        const keys = identifierKeys(event.customer);
        if (keys.length === 0) unnamed.push(event);
        for (const customer of new Set(keys.map((key) => after.customerOf.get(key)!))) {
          const list = byCustomer.get(customer);
          if (list) list.push(event);
          else byCustomer.set(customer, [event]);
        }
      }
      for (const [customer, members] of membersOf) {
        const events = byCustomer.get(customer) ?? [];
        const storedBefore =
          members.some((key) => before.customerOf.has(key)) ||
          events.some((e) => e.contactId !== undefined && batch.threads.contactIdsWithHistory.has(e.contactId));
        if (storedBefore || events.length === 0) continue;
        fresh.add(customer);
        for (const event of events) {
          freshEvents.push(event);
          if (event.contactId !== undefined) freshThreads.add(event.contactId);
        }
      }
      // Events naming no one belong to whoever their ticket or call names.
      for (const event of unnamed) if (event.contactId !== undefined && freshThreads.has(event.contactId)) freshEvents.push(event);
      await refreshCustomers(membersOf, {
        replacedCustomerIds: [...new Set(before.customerOf.values())],
        fromBatch: { customerIds: fresh, events: [...new Set(freshEvents)] },
      });
    },

    /** Recomputes every customer, then records the model: after a change of org map or windows. */
    async rebuildAll(): Promise<number> {
      const result = await client.query({ query: 'SELECT DISTINCT customer_id FROM identities_v1 FINAL ORDER BY customer_id', format: 'JSONEachRow' });
      const customerIds = (await result.json<{ customer_id: string }>()).map((r) => r.customer_id);
      let done = 0;
      for (let start = 0; start < customerIds.length; start += REBUILD_CHUNK) {
        const chunk = customerIds.slice(start, start + REBUILD_CHUNK);
        const identities = await client.query({
          query: 'SELECT identifier FROM identities_v1 FINAL WHERE customer_id IN {ids:Array(String)}',
          query_params: { ids: chunk },
          format: 'JSONEachRow',
        });
        const known = await readKnownIdentities(client, (await identities.json<{ identifier: string }>()).map((r) => r.identifier));
        await refreshCustomers(known.membersOf);
        done += chunk.length;
        logger.info({ customers: done, of: customerIds.length }, 'rebuilding contacts, journeys and handoffs');
      }
      await writeJourneyModel(client, {
        modelVersion: version(),
        repeatWindowMs: settings.repeatWindowMs,
        billingWindowMs: settings.billingWindowMs,
        orgMap: settings.orgMap(),
      });
      return customerIds.length;
    },

    /** At start: rebuild when the tables were computed with another org map or other windows. */
    async ensureCurrent(): Promise<void> {
      const stored = await readJourneyModel(client);
      if (stored?.modelVersion === version()) return;
      logger.info({ from: stored?.modelVersion ?? '(none)', to: version() }, 'journey model changed: rebuilding the tables');
      await this.rebuildAll();
    },
  };
}

export type JourneyRefresher = ReturnType<typeof createJourneyRefresher>;
