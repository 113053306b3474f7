import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connectClickHouse, countEvents, migrate, type ClickHouse } from '@seamline/clickhouse';
import type { StackInfo } from '@seamline/infra/stack';
import { buildIngestApp, kafkaPublisher } from '@seamline/ingest-api';
import { EMPTY_ORG_MAP } from '@seamline/journeys';
import { consumerLag, createEventProducer, createKafka, ensureTopics, startBatchConsumer, topicNames, type IncomingMessage } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import { createMetricsService } from '@seamline/metrics';
import { buildMetricsApp } from '@seamline/api';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';
import { PROBE_ID_PREFIX } from './probes.ts';

export interface BenchPipeline {
  ingestUrl: string;
  metricsUrl: string;
  clickhouse: { mode: ClickHouse['mode']; version: string; database: string };
  topicPrefix: string;
  /** True when the stitcher has consumed everything produced to the raw topic. */
  drained(): Promise<boolean>;
  /** Distinct event ids stored in ClickHouse. */
  storedEvents(): Promise<number>;
  /** Probe number -> when (epoch ms) the stitcher's write of it was acknowledged. */
  probesStoredAt: ReadonlyMap<number, number>;
  close(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/**
 * The services wired as deployed, in this process: ingest producing to the stack's broker, a
 * stitcher consumer group writing to ClickHouse, the metrics API reading it; ingest and the
 * metrics API listen on loopback ports of their own. Everything it creates (topics, database,
 * data directory) is unique to this run and removed by close(). A failed start closes what started.
 */
export async function startBenchPipeline(stack: StackInfo, logger: Logger): Promise<BenchPipeline> {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => logger.warn({ err: error }, 'closing failed'));
  };
  try {
    const dataDir = mkdtempSync(join(tmpdir(), 'seamline-bench-'));
    closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const database = `seamline_bench_${run}`;
    const clickhouse = await connectClickHouse({ url: stack.clickhouseUrl, database, dataDir }, logger);
    closers.push(() => clickhouse.close());
    // The database is this run's own (its name is unique); on a server it would otherwise stay.
    if (clickhouse.mode === 'server') closers.push(() => clickhouse.client.command({ query: `DROP DATABASE IF EXISTS ${database}` }));
    await migrate(clickhouse.client);
    const version = await clickhouseVersion(clickhouse);

    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'seamline-bench' }, logger);
    const topicPrefix = `bench-${run}.`;
    const topics = topicNames(topicPrefix);
    const groupId = `${topics.raw}-stitcher`;
    await ensureTopics(kafka, topics);
    closers.push(() => deleteTopics(kafka, [topics.raw, topics.deadLetter]));
    const producer = await createEventProducer(kafka);
    closers.push(() => producer.close());

    // The stitcher as deployed: it keeps the contacts, journeys and handoffs tables current,
    // and the metric API aggregates them.
    const orgMap = () => EMPTY_ORG_MAP;
    const windows = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000 };
    const journeys = createJourneyRefresher(clickhouse.client, { orgMap, ...windows, maxIdentifiers: 50 }, logger);
    await journeys.ensureCurrent();
    const processBatch = createBatchProcessor(clickhouse.client, logger, { topics, journeys });
    const probesStoredAt = new Map<number, number>();
    const stitcher = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topics.raw, topics.deadLetter],
      logger,
      handleBatch: async (messages) => {
        await processBatch(messages);
        noteStoredProbes(messages, probesStoredAt);
      },
    });
    closers.push(() => stitcher.stop());

    const ingest = await buildIngestApp({ writeKeys: 'off', publisher: kafkaPublisher(producer, async () => true, topics), logger });
    closers.push(() => ingest.close());
    const ingestUrl = await ingest.listen({ host: LOOPBACK, port: 0 });

    const metrics = createMetricsService(clickhouse.client, orgMap, windows);
    const metricsApi = await buildMetricsApp({ clickhouse: clickhouse.client, metrics, orgMap, logger });
    closers.push(() => metricsApi.close());
    const metricsUrl = await metricsApi.listen({ host: LOOPBACK, port: 0 });

    return {
      ingestUrl,
      metricsUrl,
      clickhouse: { mode: clickhouse.mode, version, database },
      topicPrefix,
      drained: async () => (await consumerLag(kafka, groupId, topics.raw)) === 0,
      storedEvents: async () => (await countEvents(clickhouse.client)).ids,
      probesStoredAt,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Splits freshness into its two parts: until the stitcher stored the probe, and until the metric
 * API showed it. Epoch milliseconds from performance (sub-millisecond, monotonic), comparable with
 * the driver's clock on the same machine.
 */
function noteStoredProbes(messages: IncomingMessage[], storedAt: Map<number, number>): void {
  const now = performance.timeOrigin + performance.now();
  for (const message of messages) {
    if (!message.value?.includes(PROBE_ID_PREFIX)) continue;
    const id = (JSON.parse(message.value.toString('utf8')) as { id?: string }).id ?? '';
    const n = id.startsWith(PROBE_ID_PREFIX) ? Number(id.slice(PROBE_ID_PREFIX.length)) : Number.NaN;
    if (Number.isInteger(n) && !storedAt.has(n)) storedAt.set(n, now);
  }
}

async function clickhouseVersion(clickhouse: ClickHouse): Promise<string> {
  const result = await clickhouse.client.query({ query: 'SELECT version() AS version', format: 'JSONEachRow' });
  const [row] = await result.json<{ version: string }>();
  return row?.version ?? 'unknown';
}

async function deleteTopics(kafka: ReturnType<typeof createKafka>, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
