import type { ClickHouseClient } from '@clickhouse/client';
import {
  CONTACTS_TABLE,
  EVENTS_TABLE,
  HANDOFFS_TABLE,
  JOURNEY_MODEL_TABLE,
  JOURNEYS_TABLE,
  TABLES_STATE_TABLE,
  journeyRows,
  readAllEvents,
  storeNewEvents,
  writeJourneyModel,
  writeJourneyRows,
} from '@seamline/clickhouse';
import { truncateTables } from '@seamline/clickhouse/testing';
import { buildJourneys, journeyModelVersion, type JourneyModel, type OrgMap } from '@seamline/journeys';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';

// Test support for the table-metric tests: a store holding events and the contacts, journeys
// and handoffs rows the stitcher would write for them.

export const WINDOWS = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000 };

/** Raw events through the same validation as ingest; a rejected one fails the test at once. */
export function validEvents(raws: Iterable<unknown>): CanonicalEvent[] {
  return [...raws].map((raw) => {
    const validation = validateCanonicalEvent(raw);
    if (!validation.ok) throw new Error(`test event rejected: ${validation.rejection.reason}`);
    return validation.event;
  });
}

/** Empties the tables the metrics read, so one store serves several scenarios of a test file. */
export async function resetStore(client: ClickHouseClient): Promise<void> {
  await truncateTables(client, [EVENTS_TABLE, CONTACTS_TABLE, JOURNEYS_TABLE, HANDOFFS_TABLE, JOURNEY_MODEL_TABLE, TABLES_STATE_TABLE]);
}

export interface Stitched {
  /** The events as stored and read back, each id once. */
  events: CanonicalEvent[];
  modelVersion: string;
  /** The model the rows were written from: every stored event counted (asOf far in the future). */
  model: JourneyModel;
}

/**
 * Stores the events and writes the rows of their journey model as the stitcher does: computed
 * from all stored events with asOf far in the future, under the version of this org map.
 */
export async function stitch(client: ClickHouseClient, events: CanonicalEvent[], orgMap: OrgMap): Promise<Stitched> {
  await storeNewEvents(client, events);
  const stored = await readAllEvents(client);
  const model = buildJourneys(stored, orgMap, { asOf: new Date('9999-01-01T00:00:00Z'), ...WINDOWS });
  const modelVersion = journeyModelVersion(orgMap, WINDOWS.repeatWindowMs, WINDOWS.billingWindowMs);
  const computedAt = new Date();
  const rows = journeyRows(model.customers, modelVersion, WINDOWS.repeatWindowMs, computedAt);
  await writeJourneyRows(client, modelVersion, rows, { journeys: [], handoffs: [] }, computedAt);
  await writeJourneyModel(client, { modelVersion, ...WINDOWS, orgMap });
  return { events: stored, modelVersion, model };
}
