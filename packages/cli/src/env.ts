import { stitchStateEnv, clickhouseEnv, identityEnv, kafkaEnv, loadConfig, logEnv, metricsEnv, sourcesEnv } from '@seamline/config';
import { kafkaSettingsFromEnv, type KafkaSettings } from '@seamline/kafka';
import { z } from 'zod';

export const cliEnv = z.object({
  ...clickhouseEnv,
  ...logEnv,
  ...metricsEnv,
  ...identityEnv,
  ...stitchStateEnv,
  ...sourcesEnv,
  // Set: `seamline ingest` and `import` produce to this Kafka; unset: they write to the store in process.
  KAFKA_BROKERS: kafkaEnv.KAFKA_BROKERS.optional(),
  KAFKA_TOPIC_PREFIX: kafkaEnv.KAFKA_TOPIC_PREFIX,
  KAFKA_SSL: kafkaEnv.KAFKA_SSL,
  KAFKA_SASL_MECHANISM: kafkaEnv.KAFKA_SASL_MECHANISM,
  KAFKA_SASL_USERNAME: kafkaEnv.KAFKA_SASL_USERNAME,
  KAFKA_SASL_PASSWORD: kafkaEnv.KAFKA_SASL_PASSWORD,
});

/** The CLI's Kafka client settings, with the deployment's TLS and SASL, for these brokers. */
export function cliKafkaSettings(config: CliConfig, brokers: string[], clientId: string): KafkaSettings {
  return kafkaSettingsFromEnv({ ...config, KAFKA_BROKERS: brokers, KAFKA_CLIENT_ID: clientId });
}
export type CliConfig = z.infer<typeof cliEnv>;

/** The CLI's configuration; flags given on the command line override these variables. */
export function loadCliConfig(overrides: Partial<Record<keyof CliConfig, string>> = {}): CliConfig {
  return loadConfig('seamline', cliEnv, { ...process.env, ...overrides });
}
