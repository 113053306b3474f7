import { clickhouseEnv, durationSchema, httpEnv, identityEnv, loadConfig, logEnv, metricsEnv } from '@seamline/config';
import { z } from 'zod';

export const alertsEnv = z.object({
  ...clickhouseEnv,
  ...logEnv,
  ...httpEnv(8083),
  ...metricsEnv,
  ...identityEnv,
  ALERT_RULES: z.string().describe('Alert rules file (YAML): rules, webhooks and the weekly digest.'),
  ALERT_INTERVAL: durationSchema
    .prefault('5m')
    .refine((ms) => ms >= 1_000, 'must be at least 1s')
    .describe('How long to wait after one evaluation before the next.'),
});
export type AlertsConfig = z.infer<typeof alertsEnv>;

export const loadAlertsConfig = () => loadConfig('alerts', alertsEnv, process.env);
