// @seamline/metrics: the figures of docs/metrics.md for the metric API, the alerts and the CLI. The service that
// answers a question (from the stitched tables at any asOf, or from the events while the tables
// are rebuilt for a new org map or windows), the answers it keeps, and the org map in force.
export { createMetricsService, type MetricSource, type MetricsService, type MetricWindows, type SourceReport } from './metrics-service.ts';
export { metricQuery, metricQueryIn, type MetricQuery } from './metric-query.ts';
export { calendarIntervals, instantOf, isDate, isTimeZone, latestLocalWeekly, localDaysBefore, localTime, type CalendarInterval } from './time-zone.ts';
export { figuresOfTallied, summaryFromTables, teamsFromTables, transitionsFromTables, type TableMetricParams } from './table-metrics.ts';
export { readStoredState, tablesVerdict, verdictOf, type StoredState, type TablesVerdict } from './freshness.ts';
export { unmappedQueues, unmappedQueuesSchema, type UnmappedQueues } from './unmapped-queues.ts';
export { registerTablesFreshness } from './telemetry.ts';
