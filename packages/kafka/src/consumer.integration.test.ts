import { afterAll, describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { createLogger } from '@seamline/log';
import { createKafka, ensureTopics } from './client.ts';
import { consumerLag, startBatchConsumer, type BatchConsumer, type IncomingMessage } from './consumer.ts';
import { createEventProducer } from './producer.ts';
import { topicNames } from './topics.ts';

const logger = createLogger({ service: 'kafka-test', level: 'warn', pretty: false });

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let waited = 0; waited < 60_000; waited += 200) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the batch consumer loop', () => {
  const kafka = createKafka({ brokers: testStack().kafkaBrokers, clientId: 'kafka-test' }, logger);
  const topics = topicNames(`test-consumer-${process.pid}-${Date.now()}.`);
  const consumers: BatchConsumer[] = [];
  afterAll(async () => Promise.all(consumers.map((c) => c.stop())));

  it('hands batches over in bounded slices, tries a failed one again after growing pauses, and commits only what was handled', async () => {
    await ensureTopics(kafka, topics);
    const producer = await createEventProducer(kafka);
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: `customer-${i % 7}`, value: `{"n":${i}}` }));
    await producer.send(topics.raw, messages);
    await producer.close();

    const seen: IncomingMessage[] = [];
    const sliceSizes: number[] = [];
    const calls: string[] = [];
    const pauses: number[] = [];
    let failures = 3;
    const groupId = `${topics.raw}-group`;
    consumers.push(
      await startBatchConsumer({
        kafka,
        groupId,
        topics: [topics.raw],
        logger,
        maxHandlerMessages: 25,
        retry: { initialMs: 50, onRetry: (_error, _attempt, pauseMs) => pauses.push(pauseMs) },
        handleBatch: async (slice) => {
          calls.push(`${slice[0]!.partition}:${slice[0]!.offset}`);
          // The first slice fails three times (ClickHouse away): it is tried again before any other.
          if (failures > 0) {
            failures--;
            throw new Error('ClickHouse did not acknowledge');
          }
          sliceSizes.push(slice.length);
          seen.push(...slice);
        },
      }),
    );
    await until(async () => (await consumerLag(kafka, groupId, topics.raw)) === 0, 'the group to commit every message');
    expect(Math.max(...sliceSizes)).toBeLessThanOrEqual(25);
    const values = new Set(seen.map((m) => m.value?.toString()));
    expect(values.size).toBe(300);
    expect(seen).toHaveLength(300);
    // The same slice four times in a row, after pauses that double.
    expect(new Set(calls.slice(0, 4)).size).toBe(1);
    expect(pauses).toEqual([50, 100, 200]);
  });

  it('hands over the next batch while a staged one is written, at most two in flight, and commits each only once written', async () => {
    const stagedTopics = topicNames(`test-staged-${process.pid}-${Date.now()}.`);
    await ensureTopics(kafka, stagedTopics);
    const producer = await createEventProducer(kafka);
    await producer.send(stagedTopics.raw, Array.from({ length: 400 }, (_, i) => ({ key: `customer-${i % 5}`, value: `{"n":${i}}` })));
    await producer.close();

    const groupId = `${stagedTopics.raw}-group`;
    let inFlight = 0;
    let mostInFlight = 0;
    let overlapped = 0;
    let failOnce = true;
    const written: string[] = [];
    // As the contract asks: writes in the order of the calls; a call staged while the one before
    // is still being written fails unwritten if that one fails.
    let previous: Promise<void> | undefined;
    let calls = 0;
    consumers.push(
      await startBatchConsumer({
        kafka,
        groupId,
        topics: [stagedTopics.raw],
        logger,
        maxHandlerMessages: 20,
        retry: { initialMs: 20 },
        handleBatch: async (slice) => {
          const call = calls++;
          inFlight += 1;
          mostInFlight = Math.max(mostInFlight, inFlight);
          if (inFlight > 1) overlapped += 1;
          const before = previous;
          const write = (async () => {
            try {
              await before;
              await new Promise((r) => setTimeout(r, 30));
              // The second call fails at its write: it and the one prepared beside it are tried again.
              if (call === 1 && failOnce) {
                failOnce = false;
                throw new Error('ClickHouse did not acknowledge');
              }
              written.push(...slice.map((m) => `${m.partition}:${m.offset}`));
            } finally {
              inFlight -= 1;
            }
          })();
          previous = write;
          const settled = () => {
            if (previous === write) previous = undefined;
          };
          write.then(settled, settled);
          return { written: write };
        },
      }),
    );
    await until(async () => (await consumerLag(kafka, groupId, stagedTopics.raw)) === 0, 'the group to commit every message');
    expect(mostInFlight).toBe(2);
    expect(overlapped).toBeGreaterThan(3);
    expect(failOnce).toBe(false);
    // Every message written, and written once: a batch prepared beside a failed one was not.
    expect(written).toHaveLength(400);
    expect(new Set(written).size).toBe(400);
  });
});
