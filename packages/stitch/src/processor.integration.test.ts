import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeadLettersByReason, countEvents, readAllEvents, readIdentities, type ClickHouse } from '@seamline/clickhouse';
import { emptyTables, openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { computeSummary, customerIdOf, parseOrgMap } from '@seamline/journeys';
import { TOPICS, eventMessage, type IncomingMessage } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { validateCanonicalEvent } from '@seamline/schemas';
import { createBatchProcessor, type BatchProcessor } from './processor.ts';

const logger = createLogger({ service: 'stitcher-test', level: 'warn', pretty: false });
let offset = 0;

function message(value: string, topic: string = TOPICS.raw): IncomingMessage {
  return { topic, partition: 0, offset: String(offset++), key: null, value: Buffer.from(value), timestamp: String(Date.now()) };
}

function eventMsg(raw: Record<string, unknown>): IncomingMessage {
  const result = validateCanonicalEvent(raw);
  if (!result.ok) throw new Error(result.rejection.reason);
  return message(eventMessage(result.event).value);
}

const call = eventMsg({
  id: 'call-1', type: 'call.started', occurredAt: '2026-03-01T10:00:00Z', source: 'connect',
  customer: { phone: '+49 151 1111111' }, contactId: 'c1', queue: 'Phone', channel: 'phone',
});
const ticket = eventMsg({
  id: 'ticket-1', type: 'ticket.created', occurredAt: '2026-03-03T10:00:00Z', source: 'zendesk',
  customer: { email: 'Ann@Example.com' }, contactId: 't1', queue: 'Billing', channel: 'email',
});
const lateLink = eventMsg({
  id: 'invoice-1', type: 'billing.invoice_issued', occurredAt: '2026-03-20T00:00:00Z', source: 'stripe',
  customer: { email: 'ann@example.com', phone: '+491511111111', billingId: 'cus_9' }, channel: 'billing',
});

describe('the batch processor on a real ClickHouse', () => {
  let clickhouse: ClickHouse;
  let processBatch: BatchProcessor;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    processBatch = createBatchProcessor(clickhouse.client, logger);
  });
  afterAll(async () => clickhouse?.close());

  const query = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z', asOf: '2026-04-01T00:00:00Z' };
  const orgMap = parseOrgMap('{"queues":{"Phone":{"team":"phone-t1","silo":"phone"},"Billing":{"team":"billing-t1","silo":"billing"}}}', 'org.json');
  const summary = async () =>
    computeSummary(await readAllEvents(clickhouse.client), orgMap, {
      from: new Date(query.from),
      to: new Date(query.to),
      asOf: new Date(query.asOf),
    });

  it('re-stitches history when a late event links two customers, and the figures follow docs/metrics.md', async () => {
    expect(await processBatch([call, ticket])).toEqual({ accepted: 2, duplicates: 0, deadLetters: 0 });
    const before = await summary();
    expect([before.contacts, before.repeatContacts, before.journeys, before.bounces]).toEqual([2, 0, 2, 0]);
    expect((await readIdentities(clickhouse.client)).size).toBe(2);

    await processBatch([lateLink]);
    const after = await summary();
    // One customer now: the ticket two days after the call is a repeat, one journey, one bounce
    // from phone to billing, and the call is no longer resolved at first contact.
    expect([after.contacts, after.repeatContacts, after.journeys, after.bounces, after.crossSiloBounces]).toEqual([2, 1, 1, 1, 1]);
    expect([after.matureContacts, after.fcrContacts]).toEqual([2, 1]);
    const identities = await readIdentities(clickhouse.client);
    const survivor = customerIdOf('billingId:cus_9');
    expect(new Set(identities.values())).toEqual(new Set([survivor]));
    expect([...identities.keys()].sort()).toEqual(['billingId:cus_9', 'email:ann@example.com', 'phone:+491511111111']);
    const merges = await clickhouse.client.query({ query: 'SELECT event_id, customer_id, merged_customer_ids FROM identity_merges_v1', format: 'JSONEachRow' });
    expect(await merges.json()).toEqual([
      { event_id: 'invoice-1', customer_id: survivor, merged_customer_ids: [customerIdOf('email:ann@example.com'), customerIdOf('phone:+491511111111')].sort() },
    ]);
  });

  it('counts a redelivered batch as duplicates and turns poison into dead letters, keeping the rest', async () => {
    const poison = [
      message('\u0000\u0001 not json'),
      message('{"id":"x","type":"call.started"}'),
      message('{"reason":"incomplete"}', TOPICS.deadLetter),
    ];
    const outcome = await processBatch([call, ticket, lateLink, ...poison]);
    expect(outcome).toEqual({ accepted: 0, duplicates: 3, deadLetters: 3 });
    expect(await countEvents(clickhouse.client)).toEqual({ rows: 3, ids: 3 });
    const reasons = await countDeadLettersByReason(clickhouse.client);
    expect(reasons['message value is not JSON']).toBe(1);
    expect(reasons['not a dead letter record']).toBe(1);
    expect(Object.keys(reasons).some((r) => r.startsWith('occurredAt:') || r.startsWith('source:') || r.startsWith('customer:'))).toBe(true);
  });

  it('prepares a batch while the one before is written, and its reads see those writes', async () => {
    await emptyTables(clickhouse.client);
    // Inserts that take their time, so the second batch is prepared while the first is written.
    const slowInserts = new Proxy(clickhouse.client, {
      get(target, property, receiver) {
        if (property !== 'insert') return Reflect.get(target, property, receiver) as unknown;
        return async (params: Parameters<typeof target.insert>[0]) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return target.insert(params);
        };
      },
    });
    const staged = createBatchProcessor(slowInserts, logger);
    const first = await staged.staged([call]);
    // The call again (a redelivery in the next batch): checking it must wait for the first write.
    const second = await staged.staged([call, ticket]);
    await Promise.all([first.written, second.written]);
    expect([first.outcome, second.outcome]).toEqual([
      { accepted: 1, duplicates: 0, deadLetters: 0 },
      { accepted: 1, duplicates: 1, deadLetters: 0 },
    ]);
    expect(await countEvents(clickhouse.client)).toEqual({ rows: 2, ids: 2 });
  });
});
