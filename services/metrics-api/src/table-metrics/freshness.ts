import type { ClickHouseClient } from '@clickhouse/client';
import { EVENTS_TABLE, readJourneyModel } from '@seamline/clickhouse';
import { z } from 'zod';
import { namedQuery } from './query.ts';

/** Whether the stitched tables give exact figures for a model version and asOf, and if not why. */
export type TablesVerdict = { exact: true } | { exact: false; reason: string };

const lastEventRow = z.object({ events: z.coerce.number(), last_ms: z.coerce.number() });

/**
 * When the latest stored event occurred, in epoch ms; undefined when none is stored. Every copy
 * counts (no FINAL): an outdated copy can only make the answer later, which errs towards the
 * full computation, and a plain max over one column stays cheap.
 */
export async function lastEventMs(client: ClickHouseClient): Promise<number | undefined> {
  const rows = await namedQuery(
    client,
    'metrics.last-event',
    `SELECT count() AS events, toUnixTimestamp64Milli(max(occurred_at)) AS last_ms FROM ${EVENTS_TABLE}`,
    {},
  );
  const row = lastEventRow.parse(rows[0]);
  return row.events === 0 ? undefined : row.last_ms;
}

/**
 * The tables are computed from all stored events with asOf in the far future. They answer for
 * `asOf` exactly when they were built with `modelVersion` (the org map, W and B in force) and
 * no stored event occurred at or after asOf: then only maturity depends on asOf.
 */
export async function tablesVerdict(client: ClickHouseClient, modelVersion: string, asOf: Date): Promise<TablesVerdict> {
  const [model, lastMs] = await Promise.all([readJourneyModel(client), lastEventMs(client)]);
  if (model === undefined) return { exact: false, reason: 'no journey model built yet' };
  if (model.modelVersion !== modelVersion) {
    return { exact: false, reason: `tables hold model ${model.modelVersion}, the org map and windows in force are ${modelVersion}` };
  }
  if (lastMs !== undefined && lastMs >= asOf.getTime()) {
    return { exact: false, reason: `an event occurred at ${new Date(lastMs).toISOString()}, not before asOf` };
  }
  return { exact: true };
}
