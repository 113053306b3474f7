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
  STITCHER_LINKING: z
    .enum(['inline', 'topic'], { message: 'must be inline or topic' })
    .default('inline')
    .describe('inline: each stitcher links its own batches (one stitcher); topic: one linker at a time, for several stitchers.'),
});
export type StitcherConfig = z.infer<typeof stitcherEnv>;

export const loadStitcherConfig = () => loadConfigOrExit('stitcher', stitcherEnv, process.env);
