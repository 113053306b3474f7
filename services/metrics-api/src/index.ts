export { buildMetricsApp, type MetricsAppOptions } from './app.ts';
export { createMetricsService, type MetricsService, type MetricWindows } from './metrics-service.ts';
export { metricQuery, type MetricQuery } from './metric-query.ts';
