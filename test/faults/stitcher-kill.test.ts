import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClickHouse, countEvents } from '@seamline/clickhouse';
import { createRandom, generateEvents } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import { startService, type ServiceProcess } from '@seamline/infra/service-process';
import { computeSummary, computeTeams, computeTransitions, EMPTY_ORG_MAP } from '@seamline/journeys';
import { consumerLag, createEventProducer, createKafka, ensureTopics, eventMessage, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { createMetricsService } from '@seamline/metrics';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { uniquePrefix, waitFor } from '../support/wait.ts';

// The stitcher service killed with SIGKILL at random points of a stream: each life is killed soon
// after the group's committed position passes a random point of the stream, so most kills land
// in a batch's work (between its writes and its commit) and none after the stream is done.
// The default run kills it twice in 50,000 events; `npm run test:faults` ten times in 200,000
// (a life killed just after its first batch still gets through 10,000 to 20,000 of them).
const FULL = process.env.SEAMLINE_FAULTS === 'full';
const EVENTS = FULL ? 200_000 : 50_000;
const KILLS = FULL ? 10 : 2;
const SEED = 20261123;
const WINDOWS = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000 };
/** After its point is passed, a life is killed within this long (a batch of 10,000 takes about a second). */
const KILL_WITHIN_MS = 300;

const logger = createLogger({ service: 'e2e', level: 'error', pretty: false });
const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;
const handledMetric = /seamline_stitcher_events_total\{result="(?:stored|duplicate|dead_letter)",service="stitcher"\} (\d+)/g;

function stream(): CanonicalEvent[] {
  return [...generateEvents({ events: EVENTS, seed: SEED })].map((raw) => {
    const result = validateCanonicalEvent(raw);
    if (!result.ok) throw new Error(result.rejection.reason);
    return result.event;
  });
}

/** Messages this life of the stitcher has handled: stored, duplicates (redelivered after a kill) and dead letters. */
async function handledSoFar(service: ServiceProcess): Promise<number> {
  const base = listening.exec(service.output())?.[1];
  if (!base) return 0;
  const metrics = await fetch(`${base}/metrics`).then((r) => r.text(), () => '');
  return [...metrics.matchAll(handledMetric)].reduce((sum, match) => sum + Number(match[1]), 0);
}

describe(`the stitcher killed with SIGKILL ${KILLS} times while ${EVENTS} events stream in`, () => {
  const stack = testStack();
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'kill-test' }, logger);
  const prefix = uniquePrefix('kill');
  const topics = topicNames(prefix);
  const groupId = `${topics.raw}-stitcher`;
  const dataDir = mkdtempSync(join(tmpdir(), 'seamline-kill-'));
  const database = `seamline_kill_${process.pid}`;
  const env = {
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: prefix,
    STITCHER_GROUP_ID: groupId,
    // A killed member holds its partitions until its session ends, also against its own restart.
    STITCHER_SESSION_TIMEOUT: '6s',
    SEAMLINE_DATA_DIR: dataDir,
    CLICKHOUSE_DATABASE: database,
    ...(stack.clickhouseUrl && { CLICKHOUSE_URL: stack.clickhouseUrl }),
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
  };
  const lives: ServiceProcess[] = [];
  afterAll(() => {
    lives.forEach((life) => life.child.kill('SIGKILL'));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every event exactly once after the restarts, with the figures of a clean run', async () => {
    const events = stream();
    await ensureTopics(kafka, topics);
    const producer = await createEventProducer(kafka);
    for (let start = 0; start < events.length; start += 5_000) await producer.send(topics.raw, events.slice(start, start + 5_000).map(eventMessage));
    await producer.close();
    const committed = async () => EVENTS - (await consumerLag(kafka, groupId, topics.raw));

    const random = createRandom(SEED, 1);
    // The points of the stream the kills follow, between 5 % and 50 % of it: a life stores up to
    // 10,000 events a second, so half the stream is left for the kill to land in.
    const points = Array.from({ length: KILLS }, () => Math.floor(EVENTS * (0.05 + 0.45 * random.next()))).sort((a, b) => a - b);
    const kills: Array<{ point: number; afterMs: number; committed: number }> = [];
    for (const [index, point] of points.entries()) {
      const life = startService('stitcher', env);
      lives.push(life);
      const fail = (error: unknown) => {
        throw new Error(`${(error as Error).message} (life ${index + 1}); its output:\n${life.output().split('\n').filter((line) => !line.includes('"reqId"')).join('\n').slice(-6000)}`);
      };
      await waitFor('the stitcher to listen', () => listening.test(life.output()), 120_000).catch(fail);
      await waitFor('the stitcher to handle a batch', async () => (await handledSoFar(life)) > 0, 120_000).catch(fail);
      await waitFor(`the stream to pass event ${point}`, async () => (await committed()) >= point, 120_000).catch(fail);
      const afterMs = Math.floor(random.next() * KILL_WITHIN_MS);
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      life.child.kill('SIGKILL');
      expect(await life.exited).toBe('SIGKILL');
      kills.push({ point, afterMs, committed: await committed() });
    }
    // Every kill came before the end of the stream.
    expect(kills.every((kill) => kill.committed < EVENTS), JSON.stringify(kills)).toBe(true);

    const last = startService('stitcher', env);
    lives.push(last);
    await waitFor('the last stitcher to drain the topic', async () => (await consumerLag(kafka, groupId, topics.raw)) === 0, FULL ? 900_000 : 300_000);
    last.child.kill('SIGTERM');
    expect(await last.exited).toBe(0);

    const clickhouse = await connectClickHouse({ url: stack.clickhouseUrl, database, dataDir });
    try {
      const stored = await countEvents(clickhouse.client);
      expect(stored, 'every event stored, none twice').toEqual({ rows: EVENTS, ids: EVENTS });
      // The figures from the stitched tables equal the journey model of all events at once,
      // which is what an uninterrupted run stores (the pipeline tests hold the two equal).
      const metrics = createMetricsService(clickhouse.client, () => EMPTY_ORG_MAP, WINDOWS);
      const period = { from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', asOf: '2026-06-01T00:00:00.000Z' };
      const params = { from: new Date(period.from), to: new Date(period.to), asOf: new Date(period.asOf), ...WINDOWS };
      expect(await metrics.summary(period)).toEqual(computeSummary(events, EMPTY_ORG_MAP, params));
      expect(metrics.source()).toBe('tables');
      expect(await metrics.teams(period)).toEqual(computeTeams(events, EMPTY_ORG_MAP, params));
      expect(await metrics.transitions(period)).toEqual(computeTransitions(events, EMPTY_ORG_MAP, params));
      console.log(
        `[faults] ${EVENTS} events, ${KILLS} SIGKILLs (${kills.map((k) => `${k.afterMs} ms after ${k.point}, ${k.committed} committed`).join('; ')}); ` +
          `stored ${stored.rows} rows of ${stored.ids} ids: 0 lost, 0 duplicated`,
      );
    } finally {
      await clickhouse.close();
    }
  }, FULL ? 1_800_000 : 600_000);
});
