export { buildMetricsApp, type MetricsAppOptions } from './app.ts';
export { createMetricsService, type MetricsService, type MetricWindows } from './metrics-service.ts';
export { metricQuery, type MetricQuery } from './metric-query.ts';
export { orgMapFromFile, type OrgMapSource } from './org-map-source.ts';
export { unmappedQueues, unmappedQueuesSchema, type UnmappedQueues } from './routes/org.ts';
