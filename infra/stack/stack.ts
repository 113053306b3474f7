import { join } from 'node:path';
import { containerRuntimeAvailable, startContainers } from './containers.ts';
import { CACHE_DIR, KAFKA_VERSION, startLocalKafka } from './local-kafka.ts';

export type StackKind = 'containers' | 'local' | 'external';

/** What tests and services need to reach; a ClickHouse URL is absent when the embedded engine is used. */
export interface StackInfo {
  kind: StackKind;
  kafkaBrokers: string[];
  clickhouseUrl?: string;
  /** One line for people: which Kafka and which ClickHouse this run uses. */
  description: string;
}

export interface Stack extends StackInfo {
  stop(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/**
 * SEAMLINE_TEST_STACK forces a kind; SEAMLINE_KAFKA_VERSION picks the local broker's version. Otherwise: KAFKA_BROKERS set means external services;
 * a reachable container runtime means testcontainers; else local processes (Kafka from its jars,
 * ClickHouse embedded through chDB).
 */
export async function chooseStackKind(env: Env): Promise<StackKind> {
  const forced = env.SEAMLINE_TEST_STACK;
  if (forced) {
    if (forced !== 'containers' && forced !== 'local' && forced !== 'external') {
      throw new Error(`SEAMLINE_TEST_STACK: must be containers, local or external (got "${forced}")`);
    }
    return forced;
  }
  if (env.KAFKA_BROKERS) return 'external';
  return (await containerRuntimeAvailable()) ? 'containers' : 'local';
}

export async function startStack(env: Env, log: (line: string) => void = console.log): Promise<Stack> {
  const kind = await chooseStackKind(env);
  if (kind === 'external') {
    if (!env.KAFKA_BROKERS) throw new Error('SEAMLINE_TEST_STACK=external: KAFKA_BROKERS must name the brokers');
    const kafkaBrokers = env.KAFKA_BROKERS.split(',').map((b) => b.trim());
    const clickhouseUrl = env.CLICKHOUSE_URL || undefined;
    return {
      kind,
      kafkaBrokers,
      ...(clickhouseUrl && { clickhouseUrl }),
      description: `external: Kafka ${kafkaBrokers.join(',')}, ClickHouse ${clickhouseUrl ? new URL(clickhouseUrl).origin : 'embedded (chDB)'}`,
      stop: async () => {},
    };
  }
  if (kind === 'containers') {
    const containers = await startContainers();
    return {
      kind,
      kafkaBrokers: containers.brokers,
      clickhouseUrl: containers.clickhouseUrl,
      description: `containers (testcontainers): Kafka ${containers.brokers.join(',')}, ClickHouse ${new URL(containers.clickhouseUrl).origin}`,
      stop: containers.stop,
    };
  }
  const version = env.SEAMLINE_KAFKA_VERSION || KAFKA_VERSION;
  const kafka = await startLocalKafka({ dataDir: join(CACHE_DIR, 'stack', `kafka-${process.pid}`), version, log });
  return {
    kind,
    kafkaBrokers: kafka.brokers,
    description: `local processes: Apache Kafka ${version} (KRaft, pid ${kafka.pid}) at ${kafka.brokers.join(',')}, ClickHouse embedded (chDB)`,
    stop: kafka.stop,
  };
}
