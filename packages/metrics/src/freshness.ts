import type { ClickHouseClient } from '@clickhouse/client';
import { readJourneyModel, readTablesState, type StoredJourneyModel, type TablesState } from '@seamline/clickhouse';

/** Whether the stitched tables give exact figures for a model version, and if not why. */
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
 * The tables are computed from all stored events and hold what any asOf needs. They answer
 * exactly when they were built with `modelVersion` (the org map, W, B and row layout in force);
 * until the stitcher has rebuilt them for a new one, figures come from the events.
 */
export function verdictOf(state: StoredState, modelVersion: string): TablesVerdict {
  if (state.model === undefined) return { exact: false, reason: 'no journey model built yet' };
  if (state.model.modelVersion !== modelVersion) {
    return { exact: false, reason: `tables hold model ${state.model.modelVersion}, the org map and windows in force are ${modelVersion}` };
  }
  return { exact: true };
}

export async function tablesVerdict(client: ClickHouseClient, modelVersion: string): Promise<TablesVerdict> {
  return verdictOf(await readStoredState(client), modelVersion);
}
