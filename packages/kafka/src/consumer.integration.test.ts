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
});
