import { ClickHouseContainer } from '@testcontainers/clickhouse';
import { KafkaContainer } from '@testcontainers/kafka';
import { getContainerRuntimeClient } from 'testcontainers';

/** Images used where a container runtime exists; pinned so every run tests the same versions. */
export const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0'; // Kafka 3.9 in KRaft mode, as the local stack
export const CLICKHOUSE_IMAGE = 'clickhouse/clickhouse-server:26.7'; // the embedded engine's release

/** True when testcontainers finds a working container runtime (Docker, Podman, ...). */
export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

export interface ContainerStack {
  brokers: string[];
  clickhouseUrl: string;
  stop(): Promise<void>;
}

export async function startContainers(): Promise<ContainerStack> {
  const [kafka, clickhouse] = await Promise.all([
    new KafkaContainer(KAFKA_IMAGE).withKraft().start(),
    new ClickHouseContainer(CLICKHOUSE_IMAGE).start(),
  ]);
  const url = new URL(clickhouse.getHttpUrl());
  url.username = clickhouse.getUsername();
  url.password = clickhouse.getPassword();
  return {
    brokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
    clickhouseUrl: url.toString(),
    async stop() {
      await Promise.all([kafka.stop(), clickhouse.stop()]);
    },
  };
}
