import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClickHouse, countEvents } from '@seamline/clickhouse';
import { testStack } from '@seamline/infra/testing';
import { consumerLag, createEventProducer, createKafka, ensureTopics, eventMessage, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { startService, type ServiceProcess } from '@seamline/infra/service-process';
import { uniquePrefix, waitFor } from './support/wait.ts';

const logger = createLogger({ service: 'e2e', level: 'warn', pretty: false });
const EVENTS = 30_000;

function syntheticEvent(n: number): CanonicalEvent {
  const result = validateCanonicalEvent({
    id: `restart-${n}`,
    type: 'ticket.created',
    occurredAt: new Date(Date.UTC(2026, 2, 1) + n * 1000).toISOString(),
    source: 'zendesk',
    customer: { email: `customer-${n % 5000}@example.com` },
    contactId: `ticket-${n}`,
    queue: 'Support',
    channel: 'email',
  });
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.event;
}

const batchesLogged = (service: ServiceProcess) => (service.output().match(/"msg":"batch"/g) ?? []).length;

describe('the stitcher stopped with SIGTERM mid-stream', () => {
  const stack = testStack();
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'restart-test' }, logger);
  const topics = topicNames(uniquePrefix('restart'));
  const groupId = `${topics.raw}-stitcher`;
  const dataDir = mkdtempSync(join(tmpdir(), 'seamline-restart-'));
  const database = `seamline_restart_${process.pid}`;
  const env = {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: topics.raw.replace('cx.raw.v1', ''),
    STITCHER_GROUP_ID: groupId,
    SEAMLINE_DATA_DIR: dataDir,
    CLICKHOUSE_DATABASE: database,
    ...(stack.clickhouseUrl && { CLICKHOUSE_URL: stack.clickhouseUrl }),
    PORT: '0',
  };
  const running: ServiceProcess[] = [];
  afterAll(() => running.forEach((s) => s.child.kill('SIGKILL')));

  it('finishes and commits its batch, and after a restart every event is stored exactly once', async () => {
    await ensureTopics(kafka, topics);
    const producer = await createEventProducer(kafka);
    const first = startService('stitcher', env);
    running.push(first);
    // Produce in slices while the stitcher consumes, so the stop lands mid-stream.
    for (let start = 0; start < EVENTS; start += 2_000) {
      const slice = Array.from({ length: 2_000 }, (_, i) => eventMessage(syntheticEvent(start + i)));
      await producer.send(topics.raw, slice);
    }
    await producer.close();
    await waitFor('the first stitcher to store some batches', () => batchesLogged(first) >= 2, 90_000);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('stopping: finishing the batch in progress, committing, closing');
    const lagAfterStop = await consumerLag(kafka, groupId, topics.raw);
    expect(lagAfterStop).toBeGreaterThan(0); // it really stopped mid-stream
    expect(lagAfterStop).toBeLessThan(EVENTS);

    const second = startService('stitcher', env);
    running.push(second);
    await waitFor('the restarted stitcher to drain the topic', async () => (await consumerLag(kafka, groupId, topics.raw)) === 0, 120_000);
    // Its Prometheus metrics count what it stored in this run.
    await waitFor('the stitcher to listen', () => /Server listening at (http:\/\/[\d.]+:\d+)/.test(second.output()));
    const base = /Server listening at (http:\/\/[\d.]+:\d+)/.exec(second.output())![1]!.replace('0.0.0.0', '127.0.0.1');
    expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready', checks: { clickhouse: 'ok', consumer: 'ok', kafka: 'ok' } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const stored = Number(/seamline_stitcher_events_total\{result="stored",service="stitcher"\} (\d+)/.exec(metrics)?.[1]);
    expect(stored).toBe(lagAfterStop);
    expect(metrics).toMatch(/seamline_stitcher_batch_seconds_count\{service="stitcher"\} [1-9]/);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    // Only now open the store in this process: the embedded engine serves one process at a time.
    const clickhouse = await connectClickHouse({ url: stack.clickhouseUrl, database, dataDir });
    try {
      expect(await countEvents(clickhouse.client)).toEqual({ rows: EVENTS, ids: EVENTS });
    } finally {
      await clickhouse.close();
    }
  });
});
