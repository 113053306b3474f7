import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeadLettersByReason, countEvents, type ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { buildIngestApp, kafkaPublisher } from '@seamline/ingest';
import {
  consumerLag,
  createEventProducer,
  createKafka,
  ensureTopics,
  startBatchConsumer,
  topicNames,
  type BatchConsumer,
  type EventProducer,
} from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { buildMetricsApp, createMetricsService } from '@seamline/metrics-api';
import { createBatchProcessor } from '@seamline/stitcher';
import { tinyEventsNdjson, tinyExpected, tinyOrgMap, tinyPeriod } from './support/tiny.ts';
import { uniquePrefix, waitFor } from './support/wait.ts';

const logger = createLogger({ service: 'e2e', level: 'warn', pretty: false });

describe('the pipeline end to end: ingest → Kafka → stitcher → ClickHouse → metrics API', () => {
  const stack = testStack();
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'e2e' }, logger);
  const topics = topicNames(uniquePrefix('pipeline'));
  const groupId = `${topics.raw}-stitcher`;
  let clickhouse: ClickHouse;
  let producer: EventProducer;
  let stitcher: BatchConsumer;
  let ingest: FastifyInstance;
  let metricsApi: FastifyInstance;

  beforeAll(async () => {
    clickhouse = await openTestClickHouse(stack.clickhouseUrl);
    await ensureTopics(kafka, topics);
    producer = await createEventProducer(kafka);
    ingest = await buildIngestApp({ publisher: kafkaPublisher(producer, async () => true, topics), logger });
    const processBatch = createBatchProcessor(clickhouse.client, logger, { topics });
    stitcher = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topics.raw, topics.deadLetter],
      logger,
      handleBatch: async (messages) => void (await processBatch(messages)),
    });
    const metrics = createMetricsService(clickhouse.client, tinyOrgMap, {
      repeatWindowMs: 7 * 86_400_000,
      billingWindowMs: 72 * 3_600_000,
    });
    metricsApi = await buildMetricsApp({ clickhouse: clickhouse.client, metrics, orgMap: tinyOrgMap, logger });
  });

  afterAll(async () => {
    await stitcher?.stop();
    await producer?.close();
    await ingest?.close();
    await metricsApi?.close();
    await clickhouse?.close();
  });

  const drained = async () =>
    (await consumerLag(kafka, groupId, topics.raw)) === 0 && (await consumerLag(kafka, groupId, topics.deadLetter)) === 0;

  it('accepts the worked example, stores it through the broker, and serves its summary', async () => {
    console.log(`[e2e] stack: ${stack.description}`);
    const response = await ingest.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: tinyEventsNdjson,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: 7, duplicates: 0, rejected: 0 });

    await waitFor('the stitcher to store 7 events', async () => (await countEvents(clickhouse.client)).ids === 7);
    const summary = await metricsApi.inject({ method: 'GET', url: '/v1/metrics/summary', query: tinyPeriod });
    expect(summary.statusCode).toBe(200);
    const body = summary.json();
    expect(body.contacts).toBe(tinyExpected.summary.contacts);
    expect(body.repeatContacts).toBe(tinyExpected.summary.repeatContacts);
    expect(body.repeatRate).toBe(tinyExpected.summary.repeatRate);
    expect(body).toEqual(tinyExpected.summary);

    const transitions = await metricsApi.inject({ method: 'GET', url: '/v1/metrics/transitions', query: tinyPeriod });
    expect(transitions.json()).toEqual(tinyExpected.transitions);
  });

  it('stores a redelivered batch once and keeps bad events as dead letters with their reason', async () => {
    const payload = [
      ...tinyEventsNdjson.trim().split('\n').slice(0, 2),
      '{"id":"bad-1","type":"ticket.teleported","occurredAt":"2026-03-01T10:00:00Z","source":"zendesk","customer":{"email":"a@x.com"},"channel":"email"}',
      'not json at all',
    ].join('\n');
    const response = await ingest.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/x-ndjson' },
      payload,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 2 });
    expect(body.items[2]).toMatchObject({ id: 'bad-1', status: 'rejected', path: 'type' });
    expect(body.items[3]).toMatchObject({ status: 'rejected', reason: 'line 4: not valid JSON' });

    await waitFor('both topics to be consumed', drained);
    await waitFor('two dead letters', async () => {
      const byReason = await countDeadLettersByReason(clickhouse.client);
      return Object.values(byReason).reduce((a, b) => a + b, 0) === 2;
    });
    expect(await countEvents(clickhouse.client)).toEqual({ rows: 7, ids: 7 });
    const reasons = Object.keys(await countDeadLettersByReason(clickhouse.client));
    expect(reasons).toContain('line 4: not valid JSON');
    expect(reasons.some((r) => r.startsWith('type:'))).toBe(true);
  });

  it('answers 400 naming the parameter when the period is malformed', async () => {
    const response = await metricsApi.inject({ method: 'GET', url: '/v1/metrics/summary', query: { from: 'yesterday', to: tinyPeriod.to } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(/from: must be an ISO 8601 date-time/);
  });
});
