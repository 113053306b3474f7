import type { ClickHouseClient } from '@clickhouse/client';
import { latestEventTime, readJourneyModel } from '@seamline/clickhouse';

/** Whether the stitched tables give exact figures for a model version and asOf, and if not why. */
export type TablesVerdict = { exact: true } | { exact: false; reason: string };

/**
 * The tables are computed from all stored events with asOf in the far future. They answer for
 * `asOf` exactly when they were built with `modelVersion` (the org map, W and B in force) and
 * no stored event occurred at or after asOf: then only maturity depends on asOf.
 */
export async function tablesVerdict(client: ClickHouseClient, modelVersion: string, asOf: Date): Promise<TablesVerdict> {
  const [model, latest] = await Promise.all([readJourneyModel(client), latestEventTime(client)]);
  const lastMs = latest === undefined ? undefined : Date.parse(latest);
  if (model === undefined) return { exact: false, reason: 'no journey model built yet' };
  if (model.modelVersion !== modelVersion) {
    return { exact: false, reason: `tables hold model ${model.modelVersion}, the org map and windows in force are ${modelVersion}` };
  }
  if (lastMs !== undefined && lastMs >= asOf.getTime()) {
    return { exact: false, reason: `an event occurred at ${new Date(lastMs).toISOString()}, not before asOf` };
  }
  return { exact: true };
}
