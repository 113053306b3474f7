import type { ClickHouseClient } from '@clickhouse/client';
import { readJourneyModel, readTablesState, type StoredJourneyModel, type TablesState } from '@seamline/clickhouse';

/** Whether the stitched tables give exact figures for a model version and asOf, and if not why. */
export type TablesVerdict = { exact: true } | { exact: false; reason: string };

/** What the verdict and the answer cache go by: the model the tables were built with, and their state. */
export interface StoredState extends TablesState {
  model: StoredJourneyModel | undefined;
}

export async function readStoredState(client: ClickHouseClient): Promise<StoredState> {
  const [model, tables] = await Promise.all([readJourneyModel(client), readTablesState(client)]);
  return { model, ...tables };
}

/**
 * The tables are computed from all stored events with asOf in the far future. They answer for
 * `asOf` exactly when they were built with `modelVersion` (the org map, W and B in force) and
 * no stored event occurred at or after asOf: then only maturity depends on asOf.
 */
export function verdictOf(state: StoredState, modelVersion: string, asOf: Date): TablesVerdict {
  if (state.model === undefined) return { exact: false, reason: 'no journey model built yet' };
  if (state.model.modelVersion !== modelVersion) {
    return { exact: false, reason: `tables hold model ${state.model.modelVersion}, the org map and windows in force are ${modelVersion}` };
  }
  const lastMs = state.latestEventAt === undefined ? undefined : Date.parse(state.latestEventAt);
  if (lastMs !== undefined && lastMs >= asOf.getTime()) {
    return { exact: false, reason: `an event occurred at ${new Date(lastMs).toISOString()}, not before asOf` };
  }
  return { exact: true };
}

export async function tablesVerdict(client: ClickHouseClient, modelVersion: string, asOf: Date): Promise<TablesVerdict> {
  return verdictOf(await readStoredState(client), modelVersion, asOf);
}
