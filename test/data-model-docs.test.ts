import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { takeIn, splitBody, type RawItem } from '@seamline/ingest';
import { eventMessage, TOPICS } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';
import { tinyEventsNdjson, tinyOrgMap } from './support/tiny.ts';

const doc = readFileSync(fileURLToPath(new URL('../docs/data-model.md', import.meta.url)), 'utf8');
const queries = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split(/;\s*\n/).map((q) => q.trim()).filter(Boolean));

describe('the example queries of docs/data-model.md', () => {
  let clickhouse: ClickHouse;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    const logger = createLogger({ service: 'docs-test', level: 'warn', pretty: false });
    const settings = { orgMap: tinyOrgMap, repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };
    const journeys = createJourneyRefresher(clickhouse.client, settings, logger);
    await journeys.ensureCurrent();
    const processBatch = createBatchProcessor(clickhouse.client, logger, { journeys });
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

  it('gives the handoffs of the worked example per silo pair', async () => {
    const sql = queries.find((q) => q.includes('FROM seamline.handoffs_v1'))!.replaceAll('seamline.', `${clickhouse.database}.`);
    const rows = await (await clickhouse.client.query({ query: sql, format: 'JSONEachRow' })).json<Record<string, unknown>>();
    expect(rows.map((r) => [r.from_silo, r.to_silo, r.kind, Number(r.handoffs)]).sort()).toEqual([
      ['s1', 's2', 'transfer', 1],
      ['s2', 's1', 'bounce', 1],
    ]);
  });

  it('finds every identifier of the customer an e-mail belongs to', async () => {
    const sql = queries.find((q) => q.includes('email:ann@example.com'))!.replaceAll('seamline.', `${clickhouse.database}.`).replace('email:ann@example.com', 'email:a@x.com');
    const rows = await (await clickhouse.client.query({ query: sql, format: 'JSONEachRow' })).json<{ identifier: string }>();
    expect(rows.map((r) => r.identifier).sort()).toEqual(['email:a@x.com', 'phone:+4911111111']);
  });
});
