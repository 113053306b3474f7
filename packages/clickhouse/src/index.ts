export {
  clickhouseSettingsFromEnv,
  connectClickHouse,
  type ClickHouse,
  type ClickHouseMode,
  type ClickHouseSettings,
} from './client.ts';
export { appliedMigrationVersions, migrate, MIGRATIONS_TABLE, readMigrations, type Migration } from './migrations.ts';
export * from './tables/events.ts';
export * from './tables/dead-letters.ts';
export * from './tables/identities.ts';
export * from './tables/journeys.ts';
export * from './tables/api-keys.ts';
export * from './tables/alerts.ts';
export * from './tables/journey-queries.ts';
export * from './tables/metric-queries.ts';
export { buildRollupHours, hoursOf, hoursToBuild, markRollupHoursDirty, markRollupsComplete, ROLLUP_HOURS_TABLE, ROLLUP_TABLE } from './tables/rollups.ts';
export { createRollupMemory, DEFAULT_ROLLUP_MEMORY_ENTRIES, readRollupEntries, rollupsFromTables, type RollupEntry, type RollupMemory, type RollupReader } from './tables/rollup-entries.ts';
export * from './tables/tables-state.ts';
export * from './tables/stored-keys.ts';
export * from './tables/customer-state.ts';
