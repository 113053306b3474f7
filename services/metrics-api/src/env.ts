import { clickhouseEnv, httpEnv, loadConfigOrExit, logEnv, metricsEnv } from '@seamline/config';
import { z } from 'zod';

export const metricsApiEnv = z.object({ ...clickhouseEnv, ...logEnv, ...httpEnv(8080), ...metricsEnv });
export type MetricsApiConfig = z.infer<typeof metricsApiEnv>;

export const loadMetricsApiConfig = () => loadConfigOrExit('metrics-api', metricsApiEnv, process.env);
