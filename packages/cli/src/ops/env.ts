import { z } from 'zod';
import { loadConfig } from '@seamline/config';
import { cliEnv } from '../env.ts';

/** The operations commands read the CLI's variables plus the stitcher's group, to report its lag. */
export const opsEnv = cliEnv.extend({
  STITCHER_GROUP_ID: z.string().default('seamline-stitcher'),
});
export type OpsConfig = z.infer<typeof opsEnv>;

/** Variables set to '' count as unset: doctor uses that to check the rest around a bad variable. */
export function loadOpsConfig(overrides: Partial<Record<keyof OpsConfig, string>> = {}): OpsConfig {
  return loadConfig('seamline', opsEnv, { ...process.env, ...overrides });
}
