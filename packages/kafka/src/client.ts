import { Kafka, logLevel, type ITopicConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from '@seamline/log';
import { TOPICS, type Topics } from './topics.ts';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** TLS to the brokers (with the system's CA certificates). */
  ssl?: boolean;
  /** SASL authentication; the password never reaches a log line. */
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string } | undefined;
}

/** Settings from the shared environment fragment (kafkaEnv of @seamline/config). */
export function kafkaSettingsFromEnv(env: {
  KAFKA_BROKERS: string[];
  KAFKA_CLIENT_ID: string;
  KAFKA_SSL: boolean;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
}): KafkaSettings {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
  return {
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID,
    ssl: env.KAFKA_SSL,
    sasl: mechanism && username !== undefined && password !== undefined ? { mechanism, username, password } : undefined,
  };
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through pino, as child logger `kafka`. */
function pinoLogCreator(logger: Logger) {
  const kafkaLogger = logger.child({ component: 'kafka' });
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      kafkaLogger[LEVELS[level] ?? 'info'](extra, message);
    };
}

export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ssl: settings.ssl ?? false,
    // kafkajs types each mechanism apart; the three share the username/password shape.
    ...(settings.sasl && { sasl: settings.sasl as SASLOptions }),
    logLevel: logLevel.WARN,
    logCreator: pinoLogCreator(logger),
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

/** Partitions bound how many stitchers can share the work; one customer's events stay in one. */
export const RAW_PARTITIONS = 6;

function topicConfigs(topics: Topics): ITopicConfig[] {
  return [
    { topic: topics.raw, numPartitions: RAW_PARTITIONS },
    { topic: topics.deadLetter, numPartitions: 1 },
    { topic: topics.stitched, numPartitions: 1 },
  ];
}

/** Creates the topics that do not exist yet; existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, names: Topics = TOPICS): Promise<string[]> {
  const topics = topicConfigs(names);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
