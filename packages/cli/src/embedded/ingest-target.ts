import { createLogger } from '@seamline/log';
import type { EventPublisher } from '@seamline/ingest-api';
import type { BatchOutcome } from '@seamline/stitch';
import { cliKafkaSettings, type CliConfig } from '../env.ts';
import { kafkaTransport } from './kafka-transport.ts';
import { openRuntime } from './runtime.ts';

export interface IngestTarget {
  /** Where the input goes, in words, for the log. */
  description: string;
  publisher: EventPublisher;
  totals: BatchOutcome;
  blockedIdentifiers: readonly string[];
  close(): Promise<void>;
}

/** Kafka when KAFKA_BROKERS is set (a running deployment); else the configured store in process. */
export async function openIngestTarget(config: CliConfig, quiet: boolean): Promise<IngestTarget> {
  const blockedIdentifiers = config.SEAMLINE_BLOCKED_IDENTIFIERS;
  if (config.KAFKA_BROKERS) {
    const logger = createLogger({ service: 'seamline', level: quiet ? 'warn' : config.LOG_LEVEL, destination: 'stderr' });
    const transport = await kafkaTransport(cliKafkaSettings(config, config.KAFKA_BROKERS, 'seamline-cli'), config.KAFKA_TOPIC_PREFIX, logger);
    return { description: `Kafka ${config.KAFKA_BROKERS.join(',')}`, ...transport, blockedIdentifiers };
  }
  const runtime = await openRuntime(config, { quiet });
  // New rows must be computed with the org map and windows of the rest of the tables.
  await runtime.journeys.ensureCurrent();
  return {
    description: runtime.clickhouse.mode === 'embedded' ? `embedded store ${runtime.clickhouse.location}` : `ClickHouse ${runtime.clickhouse.location}`,
    ...runtime.transport,
    blockedIdentifiers,
    close: runtime.close,
  };
}
