import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, listDeadLetters } from '@seamline/clickhouse';
import { EMPTY_ORG_MAP } from '@seamline/journeys';
import { createKafka } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { startPipeline, type Pipeline } from '../support/pipeline.ts';
import { waitFor } from '../support/wait.ts';

// Poison on the raw topic, between good events of the same partition (same key): each bad
// message becomes a dead letter with its reason, and the events after it are stored.
const logger = createLogger({ service: 'e2e', level: 'error', pretty: false });
const KEY = 'email:poison@example.com';

const good = (n: number) =>
  JSON.stringify({
    id: `poison-good-${n}`,
    type: 'ticket.created',
    occurredAt: new Date(Date.UTC(2026, 2, 1) + n * 60_000).toISOString(),
    source: 'zendesk',
    customer: { email: 'poison@example.com' },
    contactId: `ticket-${n}`,
    queue: 'Support',
    channel: 'email',
  });

describe('poison messages on the raw topic', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline('poison', () => EMPTY_ORG_MAP);
  }, 120_000);
  afterAll(async () => pipeline?.close());

  it('dead-letters undecodable bytes, a huge message and a wrong schema with their reasons, and keeps the partition flowing', async () => {
    const huge = JSON.stringify({ ...JSON.parse(good(99)), id: 'x'.repeat(900_000) }); // under the brokers' default 1 MB message limit
    const poison: Array<{ value: Buffer | string; reason: RegExp }> = [
      { value: Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x80]), reason: /not JSON/ },
      { value: 'not json at all {', reason: /not JSON/ },
      { value: JSON.stringify({ hello: 'world' }), reason: /./ },
      { value: JSON.stringify({ ...JSON.parse(good(98)), type: 'ticket.exploded' }), reason: /type/ },
      { value: huge, reason: /id/ },
    ];
    const kafka = createKafka({ brokers: pipeline.brokers, clientId: 'poison-test' }, logger);
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const messages = [good(1), ...poison.flatMap((p, i) => [p.value, good(i + 2)])].map((value) => ({ key: KEY, value }));
      for (const message of messages) await producer.send({ topic: pipeline.topics.raw, messages: [message], acks: -1 });
    } finally {
      await producer.disconnect();
    }
    await waitFor('the stitcher to consume the partition', () => pipeline.drained(), 120_000);

    expect((await countEvents(pipeline.clickhouse.client)).ids).toBe(poison.length + 1);
    const letters = await listDeadLetters(pipeline.clickhouse.client, { source: `kafka:${pipeline.topics.raw}` });
    expect(letters).toHaveLength(poison.length);
    for (const { value, reason } of poison) {
      const payload = typeof value === 'string' ? value : value.toString('utf8');
      const letter = letters.find((l) => l.payload === payload);
      expect(letter, `a dead letter keeping the payload ${payload.slice(0, 40)}`).toBeDefined();
      expect(letter!.reason).toMatch(reason);
    }
  }, 240_000);
});
