import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, describe, expect, it } from 'vitest';
import { countEvents, journeyRows, readIdentities } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { generateEvents, sampleOrgMap } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import { buildIdentityGraph, buildJourneys } from '@seamline/journeys';
import { consumerLag, createEventProducer, createKafka, ensureTopics, eventMessage, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { validateCanonicalEvent } from '@seamline/schemas';
import { createJourneyRefresher, startStitcher } from '@seamline/stitch';
import { uniquePrefix, waitFor } from './support/wait.ts';

const logger = createLogger({ service: 'scale-out', level: 'warn', pretty: false });
const windows = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };
const orgMap = sampleOrgMap();

async function rows(client: ClickHouseClient, query: string) {
  return (await client.query({ query, format: 'JSONEachRow' })).json<Record<string, unknown>>();
}

describe('two stitchers on one topic', () => {
  const stoppers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stoppers) await stop();
  });

  it('share the partitions, and one linker at a time keeps identities and journeys exactly as one stitcher would', async () => {
    const stack = testStack();
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'scale-out' }, logger);
    const topics = topicNames(uniquePrefix('scale'));
    const groupId = `${topics.raw}-stitchers`;
    const clickhouse = await openTestClickHouse(stack.clickhouseUrl);
    stoppers.push(() => clickhouse.close());
    await ensureTopics(kafka, topics);
    const journeys = createJourneyRefresher(clickhouse.client, { orgMap: () => orgMap, ...windows }, logger);
    await journeys.ensureCurrent();

    // Two stitcher instances, as two processes against one ClickHouse server would run them.
    const batchesBy = [0, 0];
    for (const instance of [0, 1]) {
      const stitcher = await startStitcher({
        kafka,
        clickhouse: clickhouse.client,
        topics,
        groupId,
        linking: 'topic',
        journeys,
        logger,
        onBatch: () => void batchesBy[instance]!++,
      });
      stoppers.unshift(() => stitcher.stop());
    }

    const events = [...generateEvents({ events: 4000, seed: 23 })].map((raw) => {
      const result = validateCanonicalEvent(raw);
      if (!result.ok) throw new Error(result.rejection.reason);
      return result.event;
    });
    const producer = await createEventProducer(kafka);
    for (let start = 0; start < events.length; start += 500) await producer.send(topics.raw, events.slice(start, start + 500).map(eventMessage));
    await producer.close();

    await waitFor(
      'both groups to commit everything',
      async () =>
        (await consumerLag(kafka, groupId, topics.raw)) === 0 &&
        (await consumerLag(kafka, `${groupId}-linker`, topics.stitched)) === 0 &&
        (await countEvents(clickhouse.client)).ids === events.length,
      120_000,
    );
    expect(batchesBy.every((n) => n > 0)).toBe(true); // both instances stored batches

    const graph = buildIdentityGraph(events);
    const identities = await readIdentities(clickhouse.client);
    expect(identities.size).toBeGreaterThan(1000);
    for (const [identifier, customer] of identities) expect(customer).toBe(graph.customerOfIdentifier(identifier));

    const full = buildJourneys(events, orgMap, { asOf: new Date('9999-12-31T00:00:00Z'), ...windows });
    const expected = journeyRows(full.customers, journeys.version(), windows.repeatWindowMs, new Date(0));
    const stored = await rows(clickhouse.client, 'SELECT journey_id, customer_id, contacts FROM journeys_v2 FINAL ORDER BY journey_id');
    const wanted = expected.journeys
      .map((j) => ({ journey_id: j.journey_id, customer_id: j.customer_id, contacts: j.contacts }))
      .sort((a, b) => (String(a.journey_id) < String(b.journey_id) ? -1 : 1));
    expect(stored).toEqual(wanted);
  });
});
