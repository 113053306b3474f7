import { clickhouseEnv, identityEnv, loadConfig, logEnv, metricsEnv, sourcesEnv } from '@seamline/config';
import { z } from 'zod';

export const cliEnv = z.object({ ...clickhouseEnv, ...logEnv, ...metricsEnv, ...identityEnv, ...sourcesEnv });
export type CliConfig = z.infer<typeof cliEnv>;

/** The CLI's configuration; flags given on the command line override these variables. */
export function loadCliConfig(overrides: Partial<Record<keyof CliConfig, string>> = {}): CliConfig {
  return loadConfig('seamline', cliEnv, { ...process.env, ...overrides });
}
