import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { takeIn, splitBody, type RawItem } from '@seamline/ingest-api';
import { eventMessage, TOPICS } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';
import { tinyEventsNdjson, tinyExpected, tinyOrgMap } from './support/tiny.ts';

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
    const sql = queries.find((q) => q.includes('FROM seamline.handoffs\n'))!.replaceAll('seamline.', `${clickhouse.database}.`);
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

  it("reads a contact's final team as it was at an earlier asOf", async () => {
    const template = queries.find((q) => q.includes('final_team_then'))!.replaceAll('seamline.', `${clickhouse.database}.`).replace("start >= '2026-02-01'", "start >= '2026-03-01'");
    const at = async (asOf: string) => {
      const sql = template.replace("'2026-03-01 00:00:00'", `'${asOf}'`);
      const rows = await (await clickhouse.client.query({ query: sql, format: 'JSONEachRow' })).json<{ event_id: string; final_team_then: string }>();
      return rows.map((r) => [r.event_id, r.final_team_then]);
    };
    // The call c1 starts in Q1 at 10:00 and is transferred to Q2 at 10:05.
    expect(await at('2026-03-01 10:03:00')).toEqual([['c1-s', 't1']]);
    expect(await at('2026-03-01 10:06:00')).toEqual([['c1-s', 't2']]);
  });

  it('has views of the current rows: deleted rows and rows of another model left out', async () => {
    const db = clickhouse.database;
    const count = async (sql: string) => Number((await (await clickhouse.client.query({ query: sql, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
    const journeys = await count(`SELECT count() AS n FROM ${db}.journeys`);
    expect(journeys).toBe(tinyExpected.summary.journeys);
    expect(await count(`SELECT count() AS n FROM ${db}.contacts`)).toBe(tinyExpected.summary.contacts);
    expect(await count(`SELECT count() AS n FROM ${db}.events`)).toBe(tinyExpected.ingest.accepted);
    // A journey marked deleted, and a row of another model version, are not current rows.
    const [one] = await (await clickhouse.client.query({ query: `SELECT journey_id, start FROM ${db}.journeys LIMIT 1`, format: 'JSONEachRow' })).json<{ journey_id: string; start: string }>();
    await clickhouse.client.insert({
      table: `${db}.journeys_v2`,
      values: [
        { journey_id: one!.journey_id, start: one!.start, computed_at: '2999-01-01 00:00:00.000', is_deleted: 1 },
        { journey_id: 'jrn_other_model', start: one!.start, model_version: 'm_other', computed_at: '2999-01-01 00:00:00.000' },
      ],
      format: 'JSONEachRow',
    });
    expect(await count(`SELECT count() AS n FROM ${db}.journeys`)).toBe(journeys - 1);
  });

  it('comments every table and every column a data team reads', async () => {
    const tables = ['events_v1', 'dead_letters_v1', 'identities_v1', 'journey_model_v1', 'contacts_v2', 'journeys_v2', 'handoffs_v2', 'metric_changes_v1', 'metric_rollup_v2', 'metric_rollup_hours_v2'];
    const query = async (sql: string) => (await clickhouse.client.query({ query: sql, query_params: { tables }, format: 'JSONEachRow' })).json<{ name: string }>();
    const bare = await query('SELECT table || \'.\' || name AS name FROM system.columns WHERE database = currentDatabase() AND table IN {tables:Array(String)} AND comment = \'\'');
    expect(bare.map((r) => r.name)).toEqual([]);
    const silent = await query('SELECT name FROM system.tables WHERE database = currentDatabase() AND name IN {tables:Array(String)} AND comment = \'\'');
    expect(silent.map((r) => r.name)).toEqual([]);
  });

  it('sums the rollups to the contacts and repeats of the contacts view', async () => {
    const db = clickhouse.database;
    const sql = queries.find((q) => q.includes('FROM seamline.metric_rollup_v2'))!.replaceAll('seamline.', `${db}.`);
    const rolled = await (await clickhouse.client.query({ query: sql, format: 'JSONEachRow' })).json<{ team: string; contacts: string; repeats: string }>();
    const direct = await (
      await clickhouse.client.query({
        query: `SELECT first_team AS team, count() AS contacts, sum(is_repeat) AS repeats FROM ${db}.contacts WHERE start >= '2026-03-01' AND start < '2026-04-01' GROUP BY team`,
        format: 'JSONEachRow',
      })
    ).json<{ team: string; contacts: string; repeats: string }>();
    const norm = (rows: { team: string; contacts: string; repeats: string }[]) => rows.map((r) => [r.team, Number(r.contacts), Number(r.repeats)]).sort();
    expect(norm(rolled)).toEqual(norm(direct));
    expect(norm(rolled).length).toBeGreaterThan(0);
  });
});
