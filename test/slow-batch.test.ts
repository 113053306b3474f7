import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, describe, expect, it } from 'vitest';
import { countEvents, EVENTS_TABLE } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { generateEvents, sampleOrgMap } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import { consumerLag, createEventProducer, createKafka, ensureTopics, eventMessage, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { validateCanonicalEvent } from '@seamline/schemas';
import { createJourneyRefresher, startStitcher } from '@seamline/stitch';
import { uniquePrefix, waitFor } from './support/wait.ts';

const logger = createLogger({ service: 'slow-batch', level: 'warn', pretty: false });
const SESSION_TIMEOUT_MS = 6_000;
/** Each of the first batches' event writes takes longer than the whole session timeout. */
const SLOW_WRITE_MS = 9_000;
const SLOW_BATCHES = 2;

/** ClickHouse as a slow disk makes it: the first event inserts hang before they land. */
function slowEventWrites(client: ClickHouseClient) {
  let slowLeft = SLOW_BATCHES;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'insert') return Reflect.get(target, property, receiver) as unknown;
      return async (params: Parameters<ClickHouseClient['insert']>[0]) => {
        if (params.table === EVENTS_TABLE && slowLeft-- > 0) await new Promise((resolve) => setTimeout(resolve, SLOW_WRITE_MS));
        return target.insert(params);
      };
    },
  });
}

describe('a batch that takes longer than the session timeout', () => {
  const stoppers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stoppers) await stop();
  });

  it('keeps its partitions: each event is handled once and the group commits past it', async () => {
    const stack = testStack();
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'slow-batch' }, logger);
    const topics = topicNames(uniquePrefix('slow'));
    const groupId = `${topics.raw}-stitcher`;
    const clickhouse = await openTestClickHouse(stack.clickhouseUrl);
    stoppers.push(() => clickhouse.close());
    await ensureTopics(kafka, topics);

    const events = [...generateEvents({ events: 6000, seed: 29 })].map((raw) => {
      const result = validateCanonicalEvent(raw);
      if (!result.ok) throw new Error(result.rejection.reason);
      return result.event;
    });
    const producer = await createEventProducer(kafka);
    for (let start = 0; start < events.length; start += 1000) await producer.send(topics.raw, events.slice(start, start + 1000).map(eventMessage));
    await producer.close();

    const client = slowEventWrites(clickhouse.client);
    const journeys = createJourneyRefresher(client, { orgMap: sampleOrgMap, repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 }, logger);
    await journeys.ensureCurrent();
    const handled = { stored: 0, duplicates: 0, slowest: 0 };
    const stitcher = await startStitcher({
      kafka,
      clickhouse: client,
      topics,
      groupId,
      linking: 'inline',
      journeys,
      logger,
      sessionTimeoutMs: SESSION_TIMEOUT_MS,
      onBatch: (_messages, seconds, outcome) => {
        handled.stored += outcome.accepted;
        handled.duplicates += outcome.duplicates;
        handled.slowest = Math.max(handled.slowest, seconds);
      },
    });
    stoppers.unshift(() => stitcher.stop());

    await waitFor('the group to commit every event', async () => (await consumerLag(kafka, groupId, topics.raw)) === 0, 90_000);
    expect(handled.slowest).toBeGreaterThan(SESSION_TIMEOUT_MS / 1000);
    // Never evicted, so no batch came twice: nothing was seen as a duplicate.
    expect(handled).toMatchObject({ stored: events.length, duplicates: 0 });
    expect(await countEvents(clickhouse.client)).toEqual({ rows: events.length, ids: events.length });
  });
});
