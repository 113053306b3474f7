import { clickhouseEnv, identityEnv, kafkaEnv, loadConfig, logEnv, metricsEnv, sourcesEnv } from '@seamline/config';
import { z } from 'zod';

export const cliEnv = z.object({
  ...clickhouseEnv,
  ...logEnv,
  ...metricsEnv,
  ...identityEnv,
  ...sourcesEnv,
  // Set: `seamline ingest` and `import` produce to this Kafka; unset: they write to the store in process.
  KAFKA_BROKERS: kafkaEnv.KAFKA_BROKERS.optional(),
  KAFKA_TOPIC_PREFIX: kafkaEnv.KAFKA_TOPIC_PREFIX,
});
export type CliConfig = z.infer<typeof cliEnv>;

/** The CLI's configuration; flags given on the command line override these variables. */
export function loadCliConfig(overrides: Partial<Record<keyof CliConfig, string>> = {}): CliConfig {
  return loadConfig('seamline', cliEnv, { ...process.env, ...overrides });
}
