import { stitchStateEnv, clickhouseEnv, durationSchema, httpEnv, identityEnv, kafkaEnv, loadConfig, logEnv, metricsEnv } from '@seamline/config';
import { z } from 'zod';

export const stitcherEnv = z.object({
  ...kafkaEnv,
  ...clickhouseEnv,
  ...logEnv,
  ...identityEnv,
  ...stitchStateEnv,
  ...metricsEnv,
  ...httpEnv(8082),
  STITCHER_GROUP_ID: z.string().default('seamline-stitcher'),
  STITCHER_SESSION_TIMEOUT: durationSchema
    .prefault('30s')
    .pipe(z.number().min(6_000, 'must be at least 6s (the broker refuses shorter sessions)').max(300_000, 'must be at most 5m'))
    .describe('How long the group waits for a silent stitcher before its partitions go to another (or to its restarted self).'),
  STITCHER_LINKING: z
    .enum(['inline', 'topic'], { message: 'must be inline or topic' })
    .default('inline')
    .describe('inline: each stitcher links its own batches (one stitcher); topic: one linker at a time, for several stitchers.'),
});
export type StitcherConfig = z.infer<typeof stitcherEnv>;

export const loadStitcherConfig = () => loadConfig('stitcher', stitcherEnv, process.env);
