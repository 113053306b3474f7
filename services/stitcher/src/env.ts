import { clickhouseEnv, httpEnv, identityEnv, kafkaEnv, loadConfigOrExit, logEnv, metricsEnv } from '@seamline/config';
import { z } from 'zod';

export const stitcherEnv = z.object({
  ...kafkaEnv,
  ...clickhouseEnv,
  ...logEnv,
  ...identityEnv,
  ...metricsEnv,
  ...httpEnv(8082),
  STITCHER_GROUP_ID: z.string().default('seamline-stitcher'),
});
export type StitcherConfig = z.infer<typeof stitcherEnv>;

export const loadStitcherConfig = () => loadConfigOrExit('stitcher', stitcherEnv, process.env);
