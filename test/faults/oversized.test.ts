import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import type { ServiceProcess } from '@seamline/infra/service-process';
import { createKafka, ensureTopics, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { deadLetter, type DeadLetter } from '@seamline/schemas';
import { startIngest } from '../support/ingest-service.ts';
import { uniquePrefix, waitFor } from '../support/wait.ts';

// Oversized input at the real ingest service and broker: events and lines far beyond what a
// Kafka message holds are answered at once as rejected and kept as (partial) dead letters,
// bodies over the limit are refused whole, and nothing of either reaches the raw topic.
const logger = createLogger({ service: 'e2e', level: 'error', pretty: false });
const MB = 1 << 20;

const ticket = (id: string, attributes?: Record<string, string>) => ({
  id,
  type: 'ticket.created',
  occurredAt: '2026-03-01T10:00:00Z',
  source: 'zendesk',
  customer: { email: 'big@example.com' },
  contactId: id,
  channel: 'email',
  ...(attributes && { attributes }),
});

describe('oversized input at ingest', () => {
  const stack = testStack();
  const prefix = uniquePrefix('oversized');
  const topics = topicNames(prefix);
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'oversized-test' }, logger);
  let ingest: ServiceProcess;
  let base: string;

  beforeAll(async () => {
    await ensureTopics(kafka, topics);
    ({ ingest, base } = await startIngest(stack.kafkaBrokers, prefix, { INGEST_PUBLISH_TIMEOUT_MS: '5000' }));
  }, 120_000);
  afterAll(() => ingest?.child.kill('SIGKILL'));

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('rejects huge events and lines at once, keeps them as dead letters in part, and refuses bodies over the limit', async () => {
    // One event with a 3 MB attribute beside a good one.
    const huge = post(JSON.stringify([ticket('huge-1', { note: 'n'.repeat(3 * MB) }), ticket('fine-1')]));
    const hugeAnswer = await huge;
    expect(hugeAnswer.status).toBe(200);
    const items = ((await hugeAnswer.json()) as { items: Array<{ status: string; path?: string }> }).items;
    expect(items.map((item) => item.status)).toEqual(['rejected', 'accepted']);
    expect(items[0]!.path).toBe('attributes.note');

    // An NDJSON line of 8 MB that is not JSON, between two good lines.
    const lines = [JSON.stringify(ticket('fine-2')), `{"id":"line-${'\u0001'.repeat(8 * MB)}`, JSON.stringify(ticket('fine-3'))].join('\n');
    const lineAnswer = await post(lines, 'application/x-ndjson');
    expect(lineAnswer.status).toBe(200);
    expect(((await lineAnswer.json()) as { items: Array<{ status: string }> }).items.map((item) => item.status)).toEqual([
      'accepted',
      'rejected',
      'accepted',
    ]);

    // Over the 10 MB body limit, and over the number of events of one request: refused whole.
    // The server answers 413 as soon as it reads the length; a client still sending may see the
    // connection closed instead of the answer.
    const tooBig = await post(JSON.stringify([ticket('too-big', { note: 'n'.repeat(1_000) }), 'x'.repeat(11 * MB)])).then((r) => r.status, () => 'closed');
    expect([413, 'closed']).toContain(tooBig);
    expect((await post(JSON.stringify(Array.from({ length: 10_001 }, (_, i) => ticket(`many-${i}`))))).status).toBe(413);

    // What reached Kafka: the three good events on the raw topic, the two letters on the dead-letter topic.
    const raw = new Set<string>();
    const letters: DeadLetter[] = [];
    const consumer = kafka.consumer({ groupId: `${prefix}check`, maxBytes: 16 * MB });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.raw, topics.deadLetter], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const value = JSON.parse(message.value!.toString()) as unknown;
        if (topic === topics.raw) raw.add((value as { id: string }).id);
        else letters.push(deadLetter.parse(value));
      },
    });
    try {
      await waitFor('the good events and the dead letters on their topics', () => raw.size === 3 && letters.length === 2, 60_000);
    } finally {
      await consumer.disconnect();
    }
    expect([...raw].sort()).toEqual(['fine-1', 'fine-2', 'fine-3']);
    const byPath = new Map(letters.map((letter) => [letter.path, letter]));
    expect(byPath.get('attributes.note')!.reason).toMatch(/^attributes\.note: .*\(payload of \d+ bytes, its first \d+ kept\)$/);
    expect(byPath.get('attributes.note')!.payload.startsWith('{"id":"huge-1"')).toBe(true);
    expect(byPath.get('')!.reason).toMatch(/not valid JSON.*\(payload of 8388620 bytes, its first \d+ kept\)$/);
    expect(byPath.get('')!.payload.startsWith('{"id":"line-\u0001')).toBe(true);
  }, 120_000);
});
