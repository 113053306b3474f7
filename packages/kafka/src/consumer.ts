import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '@seamline/log';
import { createCoalescer, type RetryPolicy } from './coalescer.ts';
import type { BatchHandler, IncomingMessage } from './messages.ts';

export type { BatchHandler, IncomingMessage, StagedWrite } from './messages.ts';

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handleBatch: BatchHandler;
  logger: Logger;
  /** Read topics from their start when the group has no committed offset (default true). */
  fromBeginning?: boolean;
  /** The handler gets at most this many messages per call (default 10,000). */
  maxHandlerMessages?: number;
  /** How long a partition's batch waits for those of other partitions to join it (default 20 ms). */
  lingerMs?: number;
  /**
   * How long the group waits for a silent member before handing its partitions on (default 30 s).
   * A member killed without leaving holds its partitions this long, also against its restart.
   */
  sessionTimeoutMs?: number;
  /**
   * A failed handler call is tried again with the same messages, pausing 0.5 s, 1 s, 2 s … up
   * to 30 s, for as long as it fails (ClickHouse away): later batches wait, nothing is skipped.
   */
  retry?: Omit<RetryPolicy, 'isRunning'>;
  /** Told each time this member joins the group: its partitions may have been another's meanwhile. */
  onGroupJoin?: () => void;
}

export interface BatchConsumer {
  /** Stops fetching, lets the batches in progress finish and commit, then disconnects. */
  stop(): Promise<void>;
  consumer: Consumer;
}

/**
 * The one consumer loop: eachBatch, handler first, offsets committed only after the batch's
 * writes were acknowledged, in order. A crash before the commit redelivers the batch; handlers
 * are idempotent. Batches of partitions fetched together are merged into one handler call, and
 * the next fetch and call go on while a staged call is written (see coalescer.ts).
 */
export async function startBatchConsumer(options: BatchConsumerOptions): Promise<BatchConsumer> {
  const { kafka, groupId, topics, handleBatch, logger } = options;
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const consumer = kafka.consumer({ groupId, sessionTimeout, heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)), maxBytes: 16 << 20 });
  let running = true;
  /** Offset commits, each after its batch is written, in the order the batches were handed over. */
  let commits: Promise<void> = Promise.resolve();
  const coalescer = createCoalescer(handleBatch, {
    maxMessages: options.maxHandlerMessages ?? 10_000,
    lingerMs: options.lingerMs ?? 20,
    retry: {
      ...options.retry,
      onRetry: (error, attempt, pauseMs) => {
        logger.warn({ groupId, attempt, pauseMs, err: error }, 'batch failed; trying it again after a pause');
        options.retry?.onRetry?.(error, attempt, pauseMs);
      },
      onRecovered: (attempts) => {
        logger.info({ groupId, attempts }, 'batch handled after failed attempts');
        options.retry?.onRecovered?.(attempts);
      },
      isRunning: () => running,
    },
  });
  if (options.onGroupJoin) consumer.on(consumer.events.GROUP_JOIN, () => options.onGroupJoin?.());
  await consumer.connect();
  for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    // All partitions at once, so their batches can be merged into one handler call.
    partitionsConsumedConcurrently: 64,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, heartbeat, resolveOffset, commitOffsetsIfNecessary, isRunning, isStale, pause }) => {
      if (!running) {
        pause(); // stopping: what is in flight finishes; nothing more is fetched
        return;
      }
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const log = logger.child({ topic: batch.topic, partition: batch.partition });
      const messages: IncomingMessage[] = batch.messages.map((m) => ({
        topic: batch.topic,
        partition: batch.partition,
        offset: m.offset,
        key: m.key ? m.key.toString('utf8') : null,
        value: m.value,
        timestamp: m.timestamp,
      }));
      const { written } = await coalescer.add(messages, heartbeat);
      const handledUpTo = messages[messages.length - 1]!.offset;
      // The next fetch starts after these; the group's offset moves only once they are written.
      resolveOffset(handledUpTo);
      commits = commits.then(async () => {
        try {
          await written;
          // Through the batch's own commit, which kafkajs still sends while the consumer is
          // stopping (consumer.commitOffsets is dropped then), so a SIGTERM commits what finished.
          await commitOffsetsIfNecessary({
            topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: (BigInt(handledUpTo) + 1n).toString() }] }],
          });
          log.debug({ messages: messages.length, committed: handledUpTo }, 'batch committed');
        } catch (error) {
          log.warn({ messages: messages.length, err: error }, 'batch not committed: it will be delivered again');
        }
      });
      await heartbeat();
    },
  });
  return {
    consumer,
    async stop() {
      running = false;
      await coalescer.idle();
      await commits;
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}

/** Messages of each partition of `topic` the group has not committed yet (from the start of the log when it committed none). */
export async function consumerLagByPartition(kafka: Kafka, groupId: string, topic: string): Promise<{ partition: number; lag: number }[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const committedByPartition = new Map((committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
    return ends.map((end) => {
      const done = committedByPartition.get(end.partition) ?? -1n;
      return { partition: end.partition, lag: Number(BigInt(end.high) - (done < 0n ? BigInt(end.low) : done)) };
    });
  } finally {
    await admin.disconnect();
  }
}

/** Messages of `topic` the group has not committed yet, over all partitions. */
export async function consumerLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  return (await consumerLagByPartition(kafka, groupId, topic)).reduce((sum, { lag }) => sum + lag, 0);
}
