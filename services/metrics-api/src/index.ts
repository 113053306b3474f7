export { buildMetricsApp, type MetricsAppOptions } from './app.ts';
