import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { takeIn, splitBody, type RawItem } from '@seamline/ingest';
import { eventMessage, TOPICS } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { createBatchProcessor } from '@seamline/stitcher';
import { tinyEventsNdjson } from './support/tiny.ts';

const doc = readFileSync(fileURLToPath(new URL('../docs/data-model.md', import.meta.url)), 'utf8');
const queries = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split(/;\s*\n/).map((q) => q.trim()).filter(Boolean));

describe('the example queries of docs/data-model.md', () => {
  let clickhouse: ClickHouse;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    const processBatch = createBatchProcessor(clickhouse.client, createLogger({ service: 'docs-test', level: 'warn', pretty: false }));
    const intake = takeIn(splitBody(tinyEventsNdjson, true) as RawItem[], 'http');
    await processBatch(
      intake.events.map((event, i) => ({ topic: TOPICS.raw, partition: 0, offset: String(i), key: null, value: Buffer.from(eventMessage(event).value), timestamp: '0' })),
    );
  });
  afterAll(async () => clickhouse?.close());

  it('has queries to check', () => expect(queries.length).toBeGreaterThanOrEqual(5));

  it.each(queries.map((q) => [q.split('\n')[0], q]))('runs: %s', async (_first, query) => {
    const sql = query!.replaceAll('seamline.', `${clickhouse.database}.`);
    const result = await clickhouse.client.query({ query: sql, format: 'JSONEachRow' });
    expect(Array.isArray(await result.json())).toBe(true);
  });

  it('finds every identifier of the customer an e-mail belongs to', async () => {
    const sql = queries[0]!.replaceAll('seamline.', `${clickhouse.database}.`).replace('email:ann@example.com', 'email:a@x.com');
    const rows = await (await clickhouse.client.query({ query: sql, format: 'JSONEachRow' })).json<{ identifier: string }>();
    expect(rows.map((r) => r.identifier).sort()).toEqual(['email:a@x.com', 'phone:+4911111111']);
  });
});
