export { buildMetricsApp, type MetricsAppOptions } from './app.ts';
export { dashboardUrl, type DashboardView } from './routes/dashboard.ts';
export { authEnv, type AuthMode } from './auth/plugin.ts';
