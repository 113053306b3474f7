import { cliKafkaSettings } from '../env.ts';
import { randomUUID } from 'node:crypto';
import { createKafka, startBatchConsumer, topicNames, type IncomingMessage, type Topics } from '@seamline/kafka';
import { createBatchProcessor, type BatchOutcome } from '@seamline/stitch';
import type { Runtime } from '../embedded/runtime.ts';
import type { Progress } from '../progress.ts';
import type { OpsConfig } from './env.ts';

type Admin = ReturnType<ReturnType<typeof createKafka>['admin']>;

export interface ReplayRange {
  /** `raw`, `deadletter`, or a full topic name. */
  topic: string;
  fromOffset?: bigint | undefined;
  fromTime?: Date | undefined;
  /** Last offset to replay in each partition, inclusive. */
  toOffset?: bigint | undefined;
}

export interface ReplayTotals extends BatchOutcome {
  messages: number;
}

/** One partition's share of the replay: offsets start (inclusive) to end (exclusive). */
interface PartitionRange {
  partition: number;
  start: bigint;
  end: bigint;
}

export function resolveTopic(name: string, topics: Topics): string {
  if (name === 'raw') return topics.raw;
  if (name === 'deadletter') return topics.deadLetter;
  return name;
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/** The end offsets are taken now: messages produced while the replay runs are left to the stitcher. */
async function planRanges(admin: Admin, topic: string, range: ReplayRange): Promise<PartitionRange[]> {
  if (!(await admin.listTopics()).includes(topic)) throw new Error(`replay: topic ${topic} does not exist (create it with \`seamline topics create\`)`);
  const ends = await admin.fetchTopicOffsets(topic);
  const byTime = range.fromTime
    ? new Map((await admin.fetchTopicOffsetsByTimestamp(topic, range.fromTime.getTime())).map((p) => [p.partition, BigInt(p.offset)]))
    : undefined;
  return ends.map((p) => {
    const low = BigInt(p.low);
    const high = BigInt(p.high);
    const start = max(byTime?.get(p.partition) ?? range.fromOffset ?? low, low);
    const end = range.toOffset === undefined ? high : min(high, range.toOffset + 1n);
    return { partition: p.partition, start, end: max(end, start) };
  });
}

/**
 * Re-reads a range of a topic with a consumer group of its own (so the stitcher's committed
 * offsets stay as they are) and hands the messages to the stitcher's processor. The store keeps
 * each event once by id, so replaying a range twice stores nothing new.
 */
export async function replayTopic(runtime: Runtime, config: OpsConfig & { KAFKA_BROKERS: string[] }, range: ReplayRange, progress: Progress): Promise<ReplayTotals> {
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  const topic = resolveTopic(range.topic, topics);
  const kafka = createKafka(cliKafkaSettings(config, config.KAFKA_BROKERS, 'seamline-replay'), runtime.logger);
  const groupId = `seamline-replay-${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
  if (groupId === config.STITCHER_GROUP_ID) throw new Error('replay: refusing to use the stitcher group');
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ranges = await planRanges(admin, topic, range);
    const total = Number(ranges.reduce((sum, r) => sum + (r.end - r.start), 0n));
    const totals: ReplayTotals = { messages: 0, accepted: 0, duplicates: 0, deadLetters: 0 };
    if (total === 0) return totals;
    await runtime.journeys.ensureCurrent();
    const processBatch = createBatchProcessor(runtime.clickhouse.client, runtime.logger, {
      topics,
      maxIdentifiers: config.SEAMLINE_MAX_IDENTIFIERS,
      blockedIdentifiers: config.SEAMLINE_BLOCKED_IDENTIFIERS,
      journeys: runtime.journeys,
    });
    // A fresh group with its offsets set before it joins: the seek, without a race against the first fetch.
    await admin.setOffsets({ groupId, topic, partitions: ranges.map((r) => ({ partition: r.partition, offset: r.start.toString() })) });
    const byPartition = new Map(ranges.map((r) => [r.partition, r]));
    const next = new Map(ranges.map((r) => [r.partition, r.start]));
    let finish!: () => void;
    let fail!: (error: unknown) => void;
    const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
    const inRange = (m: IncomingMessage) => {
      const r = byPartition.get(m.partition);
      return r !== undefined && BigInt(m.offset) >= r.start && BigInt(m.offset) < r.end;
    };
    const consumer = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topic],
      fromBeginning: true,
      logger: runtime.logger,
      handleBatch: async (messages) => {
        try {
          const wanted = messages.filter(inRange);
          if (wanted.length > 0) {
            const outcome = await processBatch(wanted);
            totals.messages += wanted.length;
            totals.accepted += outcome.accepted;
            totals.duplicates += outcome.duplicates;
            totals.deadLetters += outcome.deadLetters;
          }
          for (const m of messages) next.set(m.partition, max(next.get(m.partition) ?? 0n, BigInt(m.offset) + 1n));
          progress.update(totals.messages, total);
          if (ranges.every((r) => (next.get(r.partition) ?? 0n) >= r.end)) finish();
        } catch (error) {
          fail(error);
          throw error;
        }
      },
    });
    try {
      await finished;
    } finally {
      progress.stop();
      await consumer.stop();
    }
    return totals;
  } finally {
    // The group was only this replay's; leave no trace of it on the cluster.
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
}
