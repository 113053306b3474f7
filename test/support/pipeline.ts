import type { FastifyInstance } from 'fastify';
import { type ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { buildIngestApp, kafkaPublisher, type IngestAppOptions } from '@seamline/ingest-api';
import type { OrgMap } from '@seamline/journeys';
import {
  consumerLag,
  createEventProducer,
  createKafka,
  ensureTopics,
  startBatchConsumer,
  topicNames,
  type BatchConsumer,
  type EventProducer,
  type Topics,
} from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { createMetricsService, type MetricsService } from '@seamline/metrics';
import { buildMetricsApp } from '@seamline/api';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';
import { uniquePrefix } from './wait.ts';

export interface Pipeline {
  ingest: FastifyInstance;
  metricsApi: FastifyInstance;
  /** The service behind metricsApi: says whether the tables or all events served the last request. */
  metrics: MetricsService;
  clickhouse: ClickHouse;
  topics: Topics;
  brokers: string[];
  /** True when the stitcher has consumed everything produced to both topics. */
  drained(): Promise<boolean>;
  close(): Promise<void>;
}

const logger = createLogger({ service: 'e2e', level: 'warn', pretty: false });

/**
 * The services wired as deployed, in this test process: ingest producing to the real broker,
 * a stitcher consumer group writing to the real ClickHouse, the metrics API reading it.
 */
export async function startPipeline(name: string, orgMap: () => OrgMap, ingestOptions: Partial<IngestAppOptions> = {}): Promise<Pipeline> {
  const stack = testStack();
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `e2e-${name}` }, logger);
  const topics = topicNames(uniquePrefix(name));
  const groupId = `${topics.raw}-stitcher`;
  const clickhouse = await openTestClickHouse(stack.clickhouseUrl);
  await ensureTopics(kafka, topics);
  const producer: EventProducer = await createEventProducer(kafka);
  const ingest = await buildIngestApp({ writeKeys: 'off', publisher: kafkaPublisher(producer, async () => true, topics), logger, ...ingestOptions });
  const windows = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000 };
  const journeys = createJourneyRefresher(clickhouse.client, { orgMap, ...windows, maxIdentifiers: 50 }, logger);
  await journeys.ensureCurrent();
  const processBatch = createBatchProcessor(clickhouse.client, logger, { topics, journeys });
  const stitcher: BatchConsumer = await startBatchConsumer({
    kafka,
    groupId,
    topics: [topics.raw, topics.deadLetter],
    logger,
    handleBatch: async (messages) => void (await processBatch(messages)),
  });
  const metrics = createMetricsService(clickhouse.client, orgMap, windows);
  const metricsApi = await buildMetricsApp({ clickhouse: clickhouse.client, metrics, orgMap, logger });
  return {
    ingest,
    metricsApi,
    metrics,
    clickhouse,
    topics,
    brokers: stack.kafkaBrokers,
    drained: async () =>
      (await consumerLag(kafka, groupId, topics.raw)) === 0 && (await consumerLag(kafka, groupId, topics.deadLetter)) === 0,
    async close() {
      await stitcher.stop();
      await producer.close();
      await ingest.close();
      await metricsApi.close();
      await clickhouse.close();
    },
  };
}
