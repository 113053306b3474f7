// The consume-only baseline, a child process of the benchmark: the stitcher's consumer loop
// (startBatchConsumer of packages/kafka) in a group of its own, reading the whole topic with a
// handler that does nothing but count, offsets committed as the stitcher commits them. What
// bounds the stitcher: Kafka and kafkajs alone, on the same machine.
import { createKafka, startBatchConsumer } from '@seamline/kafka';
import { childLogger, cpuSince, epochMs, ownPeakRssBytes, serveChild, type CpuSeconds } from './children.ts';

export interface ConsumeOnlyConfig {
  brokers: string[];
  topic: string;
  groupId: string;
  /** Messages in the topic: the consumer stops once it has seen this many. */
  expected: number;
}

export interface ConsumeOnlyProgress {
  messages: number;
}

export interface ConsumeOnlyReport {
  messages: number;
  batches: number;
  /** From the end of the first batch to the end of the last (the first batch's messages not counted). */
  windowMs: number;
  /** Messages per second over that window. */
  rate: number;
  /** From subscribing to the first batch: joining the group and the first fetch. */
  firstBatchAfterMs: number;
  cpu: CpuSeconds;
  peakRssBytes: number;
}

serveChild<ConsumeOnlyConfig, ConsumeOnlyReport, ConsumeOnlyProgress>(async (config, progress) => {
  const logger = childLogger('bench-consume-only');
  const kafka = createKafka({ brokers: config.brokers, clientId: 'seamline-bench-consume-only' }, logger);
  let messages = 0;
  let batches = 0;
  let first: { at: number; messages: number; cpu: NodeJS.CpuUsage } | undefined;
  let last = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const ticker = setInterval(() => progress({ messages }), 5_000);
  const subscribedAt = epochMs();
  // The stitcher's own consumer loop (fetch, merge partitions' batches, commit after the
  // handler), with a handler that only counts.
  const consumer = await startBatchConsumer({
    kafka,
    groupId: config.groupId,
    topics: [config.topic],
    logger,
    handleBatch: async (batch) => {
      messages += batch.length;
      batches += 1;
      const now = epochMs();
      first ??= { at: now, messages, cpu: process.cpuUsage() };
      last = now;
      if (messages >= config.expected) done();
    },
  });
  try {
    await finished;
  } finally {
    clearInterval(ticker);
    await consumer.stop().catch(() => {});
  }
  const start = first!;
  const windowMs = last - start.at;
  return {
    messages,
    batches,
    windowMs: Math.round(windowMs),
    rate: windowMs > 0 ? Math.round(((messages - start.messages) / windowMs) * 1000) : 0,
    firstBatchAfterMs: Math.round(start.at - subscribedAt),
    cpu: cpuSince(start.cpu, windowMs),
    peakRssBytes: ownPeakRssBytes(),
  };
});
