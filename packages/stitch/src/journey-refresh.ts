import type { ClickHouseClient } from '@clickhouse/client';
import {
  buildRollupHours,
  hoursToBuild,
  journeyRows,
  markRollupsComplete,
  readAllCustomerIds,
  readCustomerMembers,
  readCustomersEvents,
  readJourneyModel,
  storedJourneyKeys,
  writeJourneyModel,
  writeJourneyRows,
} from '@seamline/clickhouse';
import { buildJourneys, journeyModelVersion, type OrgMap } from '@seamline/journeys';
import type { Logger } from '@seamline/log';
import type { CanonicalEvent } from '@seamline/schemas';
import { ALL_EVENTS, linkBatch, prepareLink, type PreparedLink } from './link-batch.ts';
import { DEFAULT_STATE_EVENTS, StitchState } from './state.ts';

export interface JourneySettings {
  /** The org map in force. */
  orgMap: () => OrgMap;
  repeatWindowMs: number;
  billingWindowMs: number;
  maxIdentifiers: number;
  /** How many journey input events the stitcher holds in memory (see StitchState). */
  stateEvents?: number | undefined;
}

const REBUILD_CHUNK = 2_000;

/**
 * Keeps contacts_v2, journeys_v2 and handoffs_v2 current: after each batch, recomputes the
 * customers the batch touches (by identifier, or by ticket or call) from the state it holds
 * (see linkBatch), and rebuilds every customer from the stored events when the model changes.
 */
export function createJourneyRefresher(client: ClickHouseClient, settings: JourneySettings, logger: Logger) {
  const version = () =>
    journeyModelVersion(settings.orgMap(), settings.repeatWindowMs, settings.billingWindowMs, settings.maxIdentifiers);

  /** Recomputes these customers from their stored events; marks journeys and handoffs that no longer exist. */
  async function refreshCustomers(membersOf: ReadonlyMap<string, readonly string[]>): Promise<number> {
    const customerIds = [...membersOf.keys()];
    if (customerIds.length === 0) return 0;
    const events = await readCustomersEvents(client, [...membersOf.values()].flat());
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
    const before = await storedJourneyKeys(client, { customerIds, contactEventIds: rows.contacts.map((contact) => contact.event_id) });
    const journeysNow = new Set(rows.journeys.map((j) => j.journey_id));
    const handoffsNow = new Set(rows.handoffs.map((h) => h.handoff_id));
    const gone = {
      journeys: before.journeys.filter((row) => !journeysNow.has(row.id)),
      handoffs: before.handoffs.filter((row) => !handoffsNow.has(row.id)),
    };
    // The rollups of every hour are built once, after the last chunk (ensureCurrent).
    await writeJourneyRows(client, version(), rows, gone, computedAt, { buildRollups: false });
    return customers.length;
  }

  const state = new StitchState(settings.stateEvents ?? DEFAULT_STATE_EVENTS);

  return {
    version,
    /** What the stitcher holds in memory (see StitchState). */
    state,

    /** After a batch's events are stored: link them into customers and refresh those it touches. */
    linkBatch(events: readonly CanonicalEvent[]): Promise<void> {
      return linkBatch(client, state, events, { ...settings, modelVersion: version });
    },

    /** The same in two steps, for a pipeline: compute now (reading through `reader`), write later. */
    prepareLink(reader: ClickHouseClient, events: readonly CanonicalEvent[]): Promise<PreparedLink> {
      return prepareLink(client, reader, state, events, { ...settings, modelVersion: version });
    },

    /** Fills the state's filter of stored keys (at start, and after another process may have written). */
    async loadState(): Promise<void> {
      const { keys, seconds } = await state.load(client);
      logger.info({ keys, seconds: Math.round(seconds * 10) / 10 }, 'stitcher state loaded');
    },

    /** Drops the state and loads it again: another process may have written meanwhile. */
    async reloadState(): Promise<void> {
      state.reset();
      await this.loadState();
    },

    /** Recomputes every customer, then records the model: after a change of org map or windows. */
    async rebuildAll(): Promise<number> {
      state.forgetCustomers();
      const customerIds = await readAllCustomerIds(client);
      let done = 0;
      for (let start = 0; start < customerIds.length; start += REBUILD_CHUNK) {
        const chunk = customerIds.slice(start, start + REBUILD_CHUNK);
        const known = await readCustomerMembers(client, chunk);
        await refreshCustomers(known.membersOf);
        done += chunk.length;
        logger.info({ customers: done, of: customerIds.length }, 'rebuilding contacts, journeys and handoffs');
      }
      state.forgetCustomers();
      await this.buildRollups();
      await writeJourneyModel(client, {
        modelVersion: version(),
        repeatWindowMs: settings.repeatWindowMs,
        billingWindowMs: settings.billingWindowMs,
        orgMap: settings.orgMap(),
      });
      return customerIds.length;
    },

    /**
     * At start: rebuild when the tables were computed with another org map or other windows, build
     * the metric rollups of hours that have none current, and load the state. A Kafka stitcher
     * passes `loadState: false`: it loads the state each time it joins its group (startStitcher),
     * so loading here too would do it twice.
     */
    async ensureCurrent(options: { loadState?: boolean } = {}): Promise<void> {
      if ((options.loadState ?? true) && !state.complete) await this.loadState();
      const stored = await readJourneyModel(client);
      if (stored?.modelVersion !== version()) {
        logger.info({ from: stored?.modelVersion ?? '(none)', to: version() }, 'journey model changed: rebuilding the tables');
        await this.rebuildAll();
      }
      await this.buildRollups();
    },

    /**
     * Builds the metric rollups of every hour that has rows but no current build (left dirty by a
     * writer that stopped, by a rebuild, or written before there were rollups), then records that
     * every hour has its header.
     */
    async buildRollups(): Promise<void> {
      const pending = await hoursToBuild(client, version());
      if (pending.length > 0) {
        logger.info({ hours: pending.length }, 'building metric rollups');
        await buildRollupHours(client, version(), pending);
      }
      await markRollupsComplete(client, version());
    },
  };
}

export type JourneyRefresher = ReturnType<typeof createJourneyRefresher>;
