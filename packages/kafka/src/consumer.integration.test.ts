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

  it('hands batches over in bounded slices and commits only what the handler finished', async () => {
    await ensureTopics(kafka, topics);
    const producer = await createEventProducer(kafka);
    const messages = Array.from({ length: 300 }, (_, i) => ({ key: `customer-${i % 7}`, value: `{"n":${i}}` }));
    await producer.send(topics.raw, messages);
    await producer.close();

    const seen: IncomingMessage[] = [];
    const sliceSizes: number[] = [];
    let failOnce = true;
    const groupId = `${topics.raw}-group`;
    consumers.push(
      await startBatchConsumer({
        kafka,
        groupId,
        topics: [topics.raw],
        logger,
        maxHandlerMessages: 25,
        handleBatch: async (slice) => {
          // The first slice fails once: nothing may be committed for it, so it is delivered again.
          if (failOnce) {
            failOnce = false;
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
  });
});
