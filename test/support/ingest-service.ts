import { startService, type ServiceProcess } from '@seamline/infra/service-process';
import { waitFor } from './wait.ts';

const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

/**
 * The ingest service as a process of its own on the given brokers and topic prefix, without a
 * rate limit; resolves once it listens, with its base URL.
 */
export async function startIngest(
  brokers: string[],
  topicPrefix: string,
  env: Record<string, string> = {},
): Promise<{ ingest: ServiceProcess; base: string }> {
  const ingest = startService('ingest', {
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: topicPrefix,
    HOST: '127.0.0.1',
    PORT: '0',
    INGEST_RATE_LIMIT_PER_MINUTE: '0',
    // The faults under test are Kafka's; write keys have tests of their own.
    INGEST_AUTH: 'off',
    ...env,
  });
  await waitFor('ingest to listen', () => listening.test(ingest.output()), 90_000);
  return { ingest, base: listening.exec(ingest.output())![1]! };
}
