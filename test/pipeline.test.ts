import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeadLettersByReason, countEvents } from '@seamline/clickhouse';
import { testStack } from '@seamline/infra/testing';
import { startPipeline, type Pipeline } from './support/pipeline.ts';
import { tinyEventsNdjson, tinyExpected, tinyOrgMap, tinyPeriod } from './support/tiny.ts';
import { waitFor } from './support/wait.ts';

describe('the pipeline end to end: ingest → Kafka → stitcher → ClickHouse → metrics API', () => {
  const stack = testStack();
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline('pipeline', tinyOrgMap);
  });
  afterAll(async () => pipeline?.close());

  it('accepts the worked example, stores it through the broker, and serves its summary', async () => {
    console.log(`[e2e] stack: ${stack.description}`);
    const response = await pipeline.ingest.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: tinyEventsNdjson,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: 7, duplicates: 0, rejected: 0 });

    await waitFor('the stitcher to store and commit the batch', async () => (await countEvents(pipeline.clickhouse.client)).ids === 7 && (await pipeline.drained()));
    const summary = await pipeline.metricsApi.inject({ method: 'GET', url: '/v1/metrics/summary', query: tinyPeriod });
    expect(summary.statusCode).toBe(200);
    const body = summary.json();
    expect(body.contacts).toBe(tinyExpected.summary.contacts);
    expect(body.repeatContacts).toBe(tinyExpected.summary.repeatContacts);
    expect(body.repeatRate).toBe(tinyExpected.summary.repeatRate);
    expect(body).toEqual(tinyExpected.summary);
    expect(pipeline.metrics.source()).toBe('tables'); // the stitched tables, not a scan of all events

    const transitions = await pipeline.metricsApi.inject({ method: 'GET', url: '/v1/metrics/transitions', query: tinyPeriod });
    expect(transitions.json()).toEqual(tinyExpected.transitions);
  });

  it('stores a redelivered batch once and keeps bad events as dead letters with their reason', async () => {
    const payload = [
      ...tinyEventsNdjson.trim().split('\n').slice(0, 2),
      '{"id":"bad-1","type":"ticket.teleported","occurredAt":"2026-03-01T10:00:00Z","source":"zendesk","customer":{"email":"a@x.com"},"channel":"email"}',
      'not json at all',
    ].join('\n');
    const response = await pipeline.ingest.inject({
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

    await waitFor('both topics to be consumed', pipeline.drained);
    await waitFor('two dead letters', async () => {
      const byReason = await countDeadLettersByReason(pipeline.clickhouse.client);
      return Object.values(byReason).reduce((a, b) => a + b, 0) === 2;
    });
    expect(await countEvents(pipeline.clickhouse.client)).toEqual({ rows: 7, ids: 7 });
    const reasons = Object.keys(await countDeadLettersByReason(pipeline.clickhouse.client));
    expect(reasons).toContain('line 4: not valid JSON');
    expect(reasons.some((r) => r.startsWith('type:'))).toBe(true);
  });

  it('answers 400 naming the parameter when the period is malformed', async () => {
    const response = await pipeline.metricsApi.inject({ method: 'GET', url: '/v1/metrics/summary', query: { from: 'yesterday', to: tinyPeriod.to } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(/from: must be an ISO 8601 date-time/);
  });
});
