import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { peakRssBytes, type ServiceProcess } from '@seamline/infra/service-process';
import { createKafka, ensureTopics, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { startIngest } from '../support/ingest-service.ts';
import { uniquePrefix, waitFor } from '../support/wait.ts';

// Ingest taking more than it may hold at once: requests over the bound get 503 with Retry-After,
// and every event it acknowledged is on the raw topic.
const logger = createLogger({ service: 'e2e', level: 'error', pretty: false });
const IN_FLIGHT = 1_000;
const CONCURRENT = 48;
const PER_POST = 400;

describe('ingest under overload', () => {
  const stack = testStack();
  const prefix = uniquePrefix('overload');
  const topics = topicNames(prefix);
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'overload-test' }, logger);
  let ingest: ServiceProcess;
  let base: string;

  beforeAll(async () => {
    await ensureTopics(kafka, topics);
    ({ ingest, base } = await startIngest(stack.kafkaBrokers, prefix, { INGEST_MAX_IN_FLIGHT_EVENTS: String(IN_FLIGHT) }));
  }, 120_000);
  afterAll(() => ingest?.child.kill('SIGKILL'));

  it('refuses what it cannot hold with 503 and Retry-After, and loses nothing it acknowledged', async () => {
    let next = 0;
    const acknowledged = new Set<string>();
    const refusals: Array<string | null> = [];
    const post = async () => {
      const batch = Array.from({ length: PER_POST }, () => {
        const n = next++;
        return {
          id: `overload-${n}`,
          type: 'ticket.created',
          occurredAt: new Date(Date.UTC(2026, 2, 1) + n * 1000).toISOString(),
          source: 'zendesk',
          customer: { email: `c${n % 900}@example.com` },
          contactId: `t-${n}`,
          channel: 'email',
        };
      });
      const response = await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) });
      if (response.status === 200) for (const event of batch) acknowledged.add(event.id);
      else if (response.status === 503) refusals.push(response.headers.get('retry-after'));
      else throw new Error(`unexpected ${response.status}: ${await response.text()}`);
      await response.arrayBuffer().catch(() => undefined);
    };
    // While it runs, the events held for Kafka never go over the bound: that is what keeps memory flat.
    let peakInFlight = 0;
    let loading = true;
    const sampling = (async () => {
      while (loading) {
        const text = await fetch(`${base}/metrics`).then((r) => r.text(), () => '');
        peakInFlight = Math.max(peakInFlight, Number(/seamline_ingest_events_in_flight\{service="ingest"\} (\d+)/.exec(text)?.[1] ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: CONCURRENT }, post));
    loading = false;
    await sampling;
    expect(peakInFlight, 'events in flight were seen while loading').toBeGreaterThan(0);
    expect(peakInFlight).toBeLessThanOrEqual(IN_FLIGHT);
    const peakRss = peakRssBytes(ingest.child.pid);

    expect(refusals.length, 'some requests were over the bound').toBeGreaterThan(0);
    expect(refusals.every((retryAfter) => retryAfter === '1')).toBe(true);
    expect(acknowledged.size).toBeGreaterThan(0);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/seamline_ingest_events_in_flight\{service="ingest"\} 0/);

    // Every acknowledged event is on the raw topic.
    const seen = new Set<string>();
    const consumer = kafka.consumer({ groupId: `${prefix}check` });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.raw, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.add((JSON.parse(message.value!.toString()) as { id: string }).id) });
    try {
      await waitFor('every acknowledged event on the topic', () => [...acknowledged].every((id) => seen.has(id)), 60_000);
    } finally {
      await consumer.disconnect();
    }
    console.log(
      `[faults] overload: ${next} events offered in ${3 * CONCURRENT} requests, ${acknowledged.size} acknowledged, ${refusals.length} refused with 503; ` +
        `peak in flight ${peakInFlight} of ${IN_FLIGHT}, ingest peak RSS ${peakRss === undefined ? 'unknown' : `${Math.round(peakRss / 2 ** 20)} MiB`}; 0 acknowledged lost`,
    );
  }, 240_000);
});
