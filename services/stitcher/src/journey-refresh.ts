import type { ClickHouseClient } from '@clickhouse/client';
import {
  journeyRows,
  readCustomersEvents,
  readJourneyModel,
  readKnownIdentities,
  readThreadIdentifiers,
  storedJourneyKeys,
  writeJourneyModel,
  writeJourneyRows,
} from '@seamline/clickhouse';
import { buildJourneys, journeyModelVersion, type OrgMap } from '@seamline/journeys';
import type { Logger } from '@seamline/log';
import { identifierKeys, type CanonicalEvent } from '@seamline/schemas';

export interface JourneySettings {
  /** The org map in force. */
  orgMap: () => OrgMap;
  repeatWindowMs: number;
  billingWindowMs: number;
  maxIdentifiers: number;
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

  /** Recomputes these customers (ids as the identity tables say now) and any ids they replaced. */
  async function refreshCustomers(identifiers: string[], replacedCustomerIds: readonly string[] = []): Promise<number> {
    const known = await readKnownIdentities(client, identifiers);
    const customerIds = [...known.membersOf.keys()];
    if (customerIds.length === 0) return 0;
    const members = [...known.membersOf.values()].flat();
    const events = await readCustomersEvents(client, members);
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
    const before = await storedJourneyKeys(client, [...new Set([...customerIds, ...replacedCustomerIds])]);
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

    /** After a batch is stored and linked: recompute the customers it touches. */
    async refreshForBatch(events: readonly CanonicalEvent[], replacedCustomerIds: readonly string[]): Promise<void> {
      if (events.length === 0) return;
      const identifiers = new Set(events.flatMap((e) => identifierKeys(e.customer)));
      const threads = events.filter((e) => e.contactId !== undefined).map((e) => ({ source: e.source, contactId: e.contactId! }));
      for (const key of await readThreadIdentifiers(client, threads)) identifiers.add(key);
      await refreshCustomers([...identifiers], replacedCustomerIds);
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
        await refreshCustomers((await identities.json<{ identifier: string }>()).map((r) => r.identifier));
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
