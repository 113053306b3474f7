import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClickHouse, countEvents, createApiKey } from '@seamline/clickhouse';
import { generateEvents } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import { startService, type ServiceProcess } from '@seamline/infra/service-process';
import { freePort, startClickHouseServer } from '../support/clickhouse-server.ts';
import { computeSummary, EMPTY_ORG_MAP } from '@seamline/journeys';
import { consumerLag, createKafka, ensureTopics, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { createMetricsService } from '@seamline/metrics';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { uniquePrefix, waitFor } from '../support/wait.ts';

// ClickHouse away for 30 s under the real ingest and stitcher services: ingest keeps accepting
// into Kafka, the stitcher pauses and tries its batch again with growing pauses, and once
// ClickHouse is back the lag drains and every acknowledged event is stored once. ClickHouse is
// the HTTP server in front of the embedded engine (infra/clickhouse-http), killed and started
// again on the same port and data; with a container runtime the stack's own server is not used
// here, as the test must stop and start its ClickHouse.
const OUTAGE_MS = 30_000;
const EVENTS = 6_000;
const WINDOWS = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000 };
const logger = createLogger({ service: 'e2e', level: 'error', pretty: false });
const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;

const metric = (text: string, name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
/** Every sample of a metric whose labels include `labels`, e.g. topic="x". */
const samples = (text: string, name: string, labels: string) =>
  [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} ([\\d.e+-]+)$`, 'gm'))].filter((m) => m[1]!.includes(labels)).map((m) => Number(m[2]));

describe(`ClickHouse unavailable for ${OUTAGE_MS / 1000} s mid-stream`, () => {
  const stack = testStack();
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'outage-test' }, logger);
  const prefix = uniquePrefix('ch-outage');
  const topics = topicNames(prefix);
  const groupId = `${topics.raw}-stitcher`;
  const dataDir = mkdtempSync(join(tmpdir(), 'seamline-ch-outage-'));
  const processes: ServiceProcess[] = [];
  afterAll(() => {
    processes.forEach((p) => p.child.kill('SIGKILL'));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps ingest accepting, pauses the stitcher, drains the lag after and stores every event once', async () => {
    const port = await freePort();
    const startClickHouse = async () => {
      const { server } = await startClickHouseServer(dataDir, port);
      processes.push(server);
      return server;
    };
    let clickhouseServer = await startClickHouse();
    const clickhouseUrl = `http://127.0.0.1:${port}`;
    await ensureTopics(kafka, topics);
    const kafkaEnv = { KAFKA_BROKERS: stack.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: prefix, HOST: '127.0.0.1', PORT: '0' };
    // Ingest checks write keys in ClickHouse: during the outage, keys it knows keep working.
    const clickhouseEnv = { CLICKHOUSE_URL: clickhouseUrl, CLICKHOUSE_DATABASE: 'seamline_outage' };
    const stitcher = startService('stitcher', { ...kafkaEnv, STITCHER_GROUP_ID: groupId, ...clickhouseEnv });
    await waitFor('the stitcher to listen', () => listening.test(stitcher.output()), 120_000);
    const keyStore = await connectClickHouse({ url: clickhouseUrl, database: 'seamline_outage', dataDir });
    const { key: writeKey } = await createApiKey(keyStore.client, { kind: 'write', sources: ['zendesk', 'connect', 'stripe'], teams: [], admin: false, pii: false, name: 'outage test' });
    await keyStore.close();
    const ingest = startService('ingest', { ...kafkaEnv, ...clickhouseEnv, INGEST_RATE_LIMIT_PER_MINUTE: '0' });
    processes.push(ingest, stitcher);
    await waitFor('ingest and the stitcher to listen', () => listening.test(ingest.output()) && listening.test(stitcher.output()), 120_000);
    const withOutput = (error: unknown) => {
      const lines = stitcher.output().split('\n').filter((line) => !line.includes('"reqId"'));
      throw new Error(`${(error as Error).message}; the stitcher said:\n${lines.slice(-30).join('\n')}\nClickHouse said:\n${clickhouseServer.output().slice(-2000)}`);
    };
    const ingestBase = listening.exec(ingest.output())![1]!;
    const stitcherBase = listening.exec(stitcher.output())![1]!;

    const events: CanonicalEvent[] = [...generateEvents({ events: EVENTS, seed: 8 })].map((raw) => {
      const result = validateCanonicalEvent(raw);
      if (!result.ok) throw new Error(result.rejection.reason);
      return result.event;
    });
    let sent = 0;
    const postNext = async (count: number) => {
      const batch = events.slice(sent, sent + count);
      sent += batch.length;
      const response = await fetch(`${ingestBase}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writeKey}` },
        body: JSON.stringify(batch),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      expect(((await response.json()) as { accepted: number }).accepted).toBe(batch.length);
    };
    const lag = () => consumerLag(kafka, groupId, topics.raw);

    // Before: a third of the stream, stored.
    for (let i = 0; i < 10; i++) await postNext(200);
    await waitFor('the stitcher to store the first part', async () => (await lag()) === 0, 120_000).catch(withOutput);

    // ClickHouse goes away; ingest keeps accepting, one request a second, for the whole outage.
    clickhouseServer.child.kill('SIGKILL');
    await clickhouseServer.exited;
    const downSince = Date.now();
    let sawFailing = false;
    let sawNotReady = false;
    while (Date.now() - downSince < OUTAGE_MS) {
      await postNext(70);
      const metrics = await (await fetch(`${stitcherBase}/metrics`)).text();
      sawFailing ||= metric(metrics, 'seamline_stitcher_batch_failing') === 1;
      sawNotReady ||= (await fetch(`${stitcherBase}/readyz`)).status === 503;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const lagAtEnd = await lag();
    expect(lagAtEnd, 'events waited in Kafka while ClickHouse was away').toBeGreaterThan(0);
    // The stitcher's gauges say so: messages waiting per partition of its topics, and how old
    // the newest stored event is (it stops moving while nothing is stored).
    const during = await (await fetch(`${stitcherBase}/metrics`)).text();
    const waiting = samples(during, 'seamline_consumer_lag_messages', `group="${groupId}",topic="${topics.raw}"`);
    expect(waiting.length, 'a lag sample per partition of the raw topic').toBeGreaterThan(0);
    expect(Math.max(...waiting)).toBeGreaterThan(0);
    expect(samples(during, 'seamline_consumer_lag_messages', `topic="${topics.deadLetter}"`).length).toBeGreaterThan(0);
    const eventAgeDuring = Math.min(...samples(during, 'seamline_event_time_lag_seconds', `topic="${topics.raw}"`));
    expect(eventAgeDuring).toBeGreaterThan(0);
    expect(during).toMatch(/^seamline_build_info\{[^}]*version="[^"]+"[^}]*\} 1$/m);
    expect(sawFailing, 'the stitcher reported the failing batch').toBe(true);
    expect(sawNotReady, 'the stitcher was not ready while ClickHouse was away').toBe(true);
    const retries = metric(await (await fetch(`${stitcherBase}/metrics`)).text(), 'seamline_stitcher_batch_retries_total');
    // Pauses of 0.5, 1, 2, 4, 8 and 16 s: a handful of attempts in 30 s, not a tight loop.
    expect(retries).toBeGreaterThanOrEqual(3);
    expect(retries).toBeLessThanOrEqual(10);

    // ClickHouse is back on the same port and data: the lag drains.
    clickhouseServer = await startClickHouse();
    const backAt = Date.now();
    while (sent < events.length) await postNext(500);
    await waitFor('the lag to drain', async () => (await lag()) === 0, 120_000).catch(withOutput);
    const drainedMs = Date.now() - backAt;
    expect((await fetch(`${stitcherBase}/readyz`)).status).toBe(200);
    const after = await (await fetch(`${stitcherBase}/metrics`)).text();
    expect(metric(after, 'seamline_stitcher_batch_failing')).toBe(0);
    // Newer events stored since: the newest stored event is younger than during the outage.
    expect(Math.min(...samples(after, 'seamline_event_time_lag_seconds', `topic="${topics.raw}"`))).toBeLessThan(eventAgeDuring);
    stitcher.child.kill('SIGTERM');
    expect(await stitcher.exited).toBe(0);

    const clickhouse = await connectClickHouse({ url: clickhouseUrl, database: 'seamline_outage', dataDir });
    try {
      expect(await countEvents(clickhouse.client)).toEqual({ rows: EVENTS, ids: EVENTS });
      const metrics = createMetricsService(clickhouse.client, () => EMPTY_ORG_MAP, WINDOWS);
      const period = { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', asOf: '2026-06-01T00:00:00.000Z' };
      const params = { from: new Date(period.from), to: new Date(period.to), asOf: new Date(period.asOf), ...WINDOWS };
      expect(await metrics.summary(period)).toEqual(computeSummary(events, EMPTY_ORG_MAP, params));
      expect(metrics.source()).toBe('tables');
    } finally {
      await clickhouse.close();
    }
    console.log(
      `[faults] ClickHouse away ${OUTAGE_MS / 1000} s: ${EVENTS} events accepted, lag ${lagAtEnd} at the end of the outage, ` +
        `${retries} retries, drained ${drainedMs} ms after it came back; stored ${EVENTS} once, 0 lost`,
    );
  }, 400_000);
});
