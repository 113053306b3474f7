import type { ClickHouseClient } from '@clickhouse/client';
import { createEventProducer, eventMessage, startBatchConsumer, type Topics } from '@seamline/kafka';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@seamline/log';
import type { JourneyRefresher } from './journey-refresh.ts';
import { createBatchProcessor, createLinker, type BatchOutcome, type PartitionEventTime, type ProcessorOptions } from './processor.ts';

export interface StitcherOptions {
  kafka: Kafka;
  clickhouse: ClickHouseClient;
  topics: Topics;
  groupId: string;
  /** inline: link each batch here (one stitcher); topic: hand stored events to one linker at a time. */
  linking: 'inline' | 'topic';
  journeys: JourneyRefresher;
  logger: Logger;
  processor?: Omit<ProcessorOptions, 'topics' | 'journeys' | 'handOff'>;
  /** How long the group waits for a silent member (see BatchConsumerOptions). */
  sessionTimeoutMs?: number;
  /** Told of each failed attempt at a batch, and of the success after them (metrics). */
  onRetry?: () => void;
  onRecovered?: () => void;
  /** Told of each batch stored (metrics, logs), with the newest occurredAt it stored per topic partition. */
  onBatch?: (messages: number, seconds: number, outcome: BatchOutcome, eventTimes: readonly PartitionEventTime[]) => void;
}

/**
 * One stitcher: a member of the group storing raw events and dead letters, and, with
 * linking 'topic', a member of the linker group on the stitched topic. That topic has one
 * partition, so however many stitchers run, one of them links at a time; if it stops, the group
 * hands the partition to another.
 */
export async function startStitcher(options: StitcherOptions) {
  const { kafka, clickhouse, topics, journeys, logger } = options;
  const viaTopic = options.linking === 'topic';
  // Another member may have written while this one was out of the group: what the state holds
  // is dropped and loaded again (batches meanwhile read what they need). The raw consumer's
  // processor does it between batches, once nothing it staged is still being written.
  const onLinkerJoin = () => {
    journeys.reloadState().catch((error: unknown) => logger.error({ err: error }, 'reloading the stitcher state failed'));
  };
  const retryHooks = { onRetry: () => options.onRetry?.(), onRecovered: () => options.onRecovered?.() };
  const producer = viaTopic ? await createEventProducer(kafka) : undefined;
  const linker = viaTopic
    ? await startBatchConsumer({
        kafka,
        groupId: `${options.groupId}-linker`,
        ...(options.sessionTimeoutMs && { sessionTimeoutMs: options.sessionTimeoutMs }),
        retry: retryHooks,
        topics: [topics.stitched],
        onGroupJoin: onLinkerJoin,
        logger,
        handleBatch: createLinker(clickhouse, { ...(options.processor?.maxIdentifiers && { maxIdentifiers: options.processor.maxIdentifiers }), journeys }),
      })
    : undefined;
  const processBatch = createBatchProcessor(clickhouse, logger, {
    ...options.processor,
    topics,
    journeys,
    handOff: producer && ((events) => producer.send(topics.stitched, events.map(eventMessage))),
  });
  const consumer = await startBatchConsumer({
    kafka,
    groupId: options.groupId,
    topics: [topics.raw, topics.deadLetter],
    onGroupJoin: () => processBatch.reloadState(),
    ...(options.sessionTimeoutMs && { sessionTimeoutMs: options.sessionTimeoutMs }),
    retry: retryHooks,
    logger,
    // Staged: the next batch is fetched and prepared while this one is written.
    handleBatch: async (messages) => {
      const started = performance.now();
      const staged = await processBatch.staged(messages);
      return {
        written: staged.written.then(() => options.onBatch?.(messages.length, (performance.now() - started) / 1000, staged.outcome, staged.eventTimes ?? [])),
      };
    },
  });
  return {
    /** Finishes and commits the batches in progress, then leaves both groups. */
    async stop() {
      await consumer.stop();
      await linker?.stop();
      await producer?.close();
    },
  };
}
