import { clickhouseEnv, httpEnv, identityEnv, loadConfig, logEnv, metricsEnv, proxyEnv } from '@seamline/config';
import { z } from 'zod';
import { authEnv } from '@seamline/api';

export const metricsApiEnv = z.object({ ...clickhouseEnv, ...logEnv, ...httpEnv(8080), ...proxyEnv, ...metricsEnv, ...identityEnv, ...authEnv });
export type MetricsApiConfig = z.infer<typeof metricsApiEnv>;

export const loadMetricsApiConfig = () => loadConfig('metrics-api', metricsApiEnv, process.env);
