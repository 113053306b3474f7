import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '@clickhouse/client';
import { hoursToBuild, journeyRows, ROLLUP_HOURS_TABLE, ROLLUP_TABLE, type ClickHouse } from '@seamline/clickhouse';
import { emptyTables, openTestClickHouse } from '@seamline/clickhouse/testing';
import { generateEvents, sampleOrgMap } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import { buildJourneys } from '@seamline/journeys';
import { eventMessage, TOPICS, type IncomingMessage } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { createJourneyRefresher } from './journey-refresh.ts';
import { createBatchProcessor } from './processor.ts';

const logger = createLogger({ service: 'refresh-test', level: 'warn', pretty: false });
const W = 7 * 86_400_000;
const B = 72 * 3_600_000;
const orgMap = sampleOrgMap();

const asMessages = (events: CanonicalEvent[]): IncomingMessage[] =>
  events.map((event, i) => ({ topic: TOPICS.raw, partition: 0, offset: String(i), key: null, value: Buffer.from(eventMessage(event).value), timestamp: '0' }));

/** A deterministic shuffle, so the batches mix customers and arrive out of time order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

/**
 * The client as a process killed after `writesLeft` more inserts sees it: those land, every
 * later one fails. Reads still work, as they would have until the kill.
 */
function killedAfter(client: ClickHouseClient, writesLeft: number): ClickHouseClient {
  let left = writesLeft;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'insert') return Reflect.get(target, property, receiver) as unknown;
      return (params: Parameters<ClickHouseClient['insert']>[0]) => (left-- > 0 ? target.insert(params) : Promise.reject(new Error('killed')));
    },
  });
}

async function tableRows(client: ClickHouseClient, table: string, key: string, columns: string) {
  const result = await client.query({ query: `SELECT ${columns} FROM ${table} FINAL ORDER BY ${key}`, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}

describe('contacts, journeys and handoffs kept current batch by batch', () => {
  let clickhouse: ClickHouse;
  const events = [...generateEvents({ events: 4000, seed: 11 })].map((raw) => {
    const result = validateCanonicalEvent(raw);
    if (!result.ok) throw new Error(result.rejection.reason);
    return result.event;
  });

  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  });
  afterAll(async () => clickhouse?.close());

  it('equal a full computation from all events, whatever order and batches the events came in', async () => {
    const journeys = createJourneyRefresher(clickhouse.client, { orgMap: () => orgMap, repeatWindowMs: W, billingWindowMs: B, maxIdentifiers: 50 }, logger);
    await journeys.ensureCurrent();
    const processBatch = createBatchProcessor(clickhouse.client, logger, { journeys });
    const arriving = shuffled(events, 7);
    for (let start = 0; start < arriving.length; start += 500) await processBatch(asMessages(arriving.slice(start, start + 500)));

    const full = buildJourneys(events, orgMap, { asOf: new Date('9999-12-31T00:00:00Z'), repeatWindowMs: W, billingWindowMs: B });
    const expected = journeyRows(full.customers, journeys.version(), W, new Date(0));
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ computed_at: _c, is_deleted: _d, ...rest }) => rest);
    const sortBy = (key: string) => (a: Record<string, unknown>, b: Record<string, unknown>) => String(a[key]) < String(b[key]) ? -1 : 1;

    const contactColumns = 'event_id, customer_id, journey_id, first_team, final_team, transfers, cross_silo_transfers, is_repeat, resolved_first_contact';
    const contacts = await tableRows(clickhouse.client, 'contacts_v2', 'event_id', contactColumns);
    const pick = (row: Record<string, unknown>, columns: string) => Object.fromEntries(columns.split(', ').map((c) => [c, row[c]]));
    expect(contacts.length).toBeGreaterThan(500);
    expect(contacts).toEqual(strip(expected.contacts).sort(sortBy('event_id')).map((r) => pick(r, contactColumns)));

    const journeyColumns = 'journey_id, customer_id, first_team, contacts, cross_silo, billing_trigger_type';
    expect(await tableRows(clickhouse.client, 'journeys_v2', 'journey_id', journeyColumns)).toEqual(
      strip(expected.journeys).sort(sortBy('journey_id')).map((r) => pick(r, journeyColumns)),
    );
    const handoffColumns = 'handoff_id, kind, journey_id, contact_event_id, from_team, to_team, cross_silo';
    const handoffs = await tableRows(clickhouse.client, 'handoffs_v2', 'handoff_id', handoffColumns);
    expect(handoffs.some((h) => h.kind === 'bounce')).toBe(true);
    expect(handoffs).toEqual(strip(expected.handoffs).sort(sortBy('handoff_id')).map((r) => pick(r, handoffColumns)));
  });

  it('equal a full computation after a batch is cut short at any of its writes and redelivered in other batches', async () => {
    const settings = { orgMap: () => orgMap, repeatWindowMs: W, billingWindowMs: B, maxIdentifiers: 50 };
    const sample = events;
    const arriving = shuffled(sample, 3);
    const [first, second] = [arriving.slice(0, 2000), arriving.slice(2000)];
    const full = buildJourneys(sample, orgMap, { asOf: new Date('9999-12-31T00:00:00Z'), repeatWindowMs: W, billingWindowMs: B });
    const expected = journeyRows(full.customers, 'any', W, new Date(0));
    const ids = (rows: Record<string, unknown>[], key: string) => rows.map((row) => String(row[key])).sort();
    const current = async (table: string, key: string) =>
      (await tableRows(clickhouse.client, table, key, `${key}, is_deleted`)).filter((row) => row.is_deleted === 0).map((row) => String(row[key]));

    let writes = 0;
    for (let crashAfter = 0; ; crashAfter++) {
      await emptyTables(clickhouse.client);
      const processBatch = createBatchProcessor(clickhouse.client, logger, { journeys: createJourneyRefresher(clickhouse.client, settings, logger) });
      await processBatch(asMessages(first));
      // The second batch is cut short after `crashAfter` of its writes...
      const counting = killedAfter(clickhouse.client, crashAfter);
      const cut = createBatchProcessor(counting, logger, { journeys: createJourneyRefresher(counting, settings, logger) });
      const completed = await cut(asMessages(second)).then(() => true, () => false);
      // ...and comes again split differently, as the partitions of a restarted consumer may be.
      await processBatch(asMessages(second.slice(0, 900)));
      await processBatch(asMessages(second.slice(900)));

      const where = `cut after ${crashAfter} writes`;
      expect(await current('journeys_v2', 'journey_id'), where).toEqual(ids(expected.journeys, 'journey_id'));
      expect(await current('handoffs_v2', 'handoff_id'), where).toEqual(ids(expected.handoffs, 'handoff_id'));
      const contacts = await tableRows(clickhouse.client, 'contacts_v2', 'event_id', 'event_id, journey_id, customer_id');
      expect(contacts, where).toEqual(
        [...expected.contacts].sort((a, b) => (String(a.event_id) < String(b.event_id) ? -1 : 1)).map((c) => ({ event_id: c.event_id, journey_id: c.journey_id, customer_id: c.customer_id })),
      );
      // Every customer id the identities no longer hold was logged as merged away.
      const unlogged = await clickhouse.client.query({
        query: `SELECT DISTINCT customer_id FROM identities_v1 WHERE customer_id NOT IN (SELECT customer_id FROM identities_v1 FINAL)
                AND customer_id NOT IN (SELECT arrayJoin(merged_customer_ids) FROM identity_merges_v1)`,
        format: 'JSONEachRow',
      });
      expect(await unlogged.json(), where).toEqual([]);
      if (completed) break;
      writes = crashAfter + 1;
    }
    // Every write of the batch was a crash point once.
    expect(writes).toBeGreaterThanOrEqual(6);
  }, 180_000); // a batch for every write a batch makes, each rebuilding the rollups of the hours it touches

  it('rebuilds every customer when the org map changes, and records the new model', async () => {
    const remapped = { queues: { ...orgMap.queues } };
    for (const queue of Object.keys(remapped.queues)) remapped.queues[queue] = { team: 'one-team', silo: 'one-silo' };
    const journeys = createJourneyRefresher(clickhouse.client, { orgMap: () => remapped, repeatWindowMs: W, billingWindowMs: B, maxIdentifiers: 50 }, logger);
    await journeys.ensureCurrent();
    const rows = await tableRows(clickhouse.client, 'contacts_v2', 'event_id', 'first_team, model_version');
    const teams = new Set(rows.map((r) => r.first_team));
    expect([...teams].every((t) => t === 'one-team' || String(t).startsWith('unmapped:') || t === 'unassigned')).toBe(true);
    expect(new Set(rows.map((r) => r.model_version))).toEqual(new Set([journeys.version()]));
    const model = await tableRows(clickhouse.client, 'journey_model_v1', 'singleton', 'model_version');
    expect(model).toEqual([{ model_version: journeys.version() }]);
    // The rollups of the new model are built once, every hour with rows current, and they sum to the rows.
    expect(await hoursToBuild(clickhouse.client, journeys.version())).toEqual([]);
    const sum = async (query: string) => Number((await (await clickhouse.client.query({ query, query_params: { v: journeys.version() }, format: 'JSONEachRow' })).json<{ n: string }>())[0]!.n);
    const rolled = await sum(
      `SELECT sum(contacts) AS n FROM ${ROLLUP_TABLE} FINAL WHERE model_version = {v:String} AND role = 1 AND (hour, version) IN (SELECT hour, version FROM ${ROLLUP_HOURS_TABLE} FINAL WHERE model_version = {v:String} AND dirty = 0)`,
    );
    expect(rolled).toBe(await sum('SELECT count() AS n FROM contacts_v2 FINAL WHERE model_version = {v:String} AND is_deleted = 0'));
    expect(rolled).toBeGreaterThan(0);
  });
});
