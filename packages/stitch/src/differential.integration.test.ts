import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '@clickhouse/client';
import { journeyRows, readIdentities, type ClickHouse } from '@seamline/clickhouse';
import { emptyTables, openTestClickHouse } from '@seamline/clickhouse/testing';
import { generateEvents, sampleOrgMap } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import { buildIdentityGraph, buildJourneys } from '@seamline/journeys';
import { eventMessage, TOPICS, type IncomingMessage } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { identifierKeys, validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { createJourneyRefresher } from './journey-refresh.ts';
import { createBatchProcessor } from './processor.ts';

const logger = createLogger({ service: 'differential-test', level: 'warn', pretty: false });
const W = 7 * 86_400_000;
const B = 72 * 3_600_000;
const orgMap = sampleOrgMap();
const ALL = new Date('9999-12-31T00:00:00Z');

function random(seed: number) {
  let state = seed >>> 0 || 1;
  return (n: number) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % n;
  };
}

/** A process's client whose inserts start failing once `writesLeft` more have landed. */
function failingClient(client: ClickHouseClient) {
  const control = { writesLeft: Infinity };
  const proxy = new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'insert') return Reflect.get(target, property, receiver) as unknown;
      return (params: Parameters<ClickHouseClient['insert']>[0]) =>
        control.writesLeft-- > 0 ? target.insert(params) : Promise.reject(new Error('ClickHouse away'));
    },
  });
  return { client: proxy, control };
}

async function current(client: ClickHouseClient, table: string, key: string, columns: string) {
  const result = await client.query({ query: `SELECT ${key}, ${columns} FROM ${table} FINAL WHERE is_deleted = 0 ORDER BY ${key}`, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}

const asMessages = (events: CanonicalEvent[], from: number): IncomingMessage[] =>
  events.map((event, i) => ({ topic: TOPICS.raw, partition: 0, offset: String(from + i), key: null, value: Buffer.from(eventMessage(event).value), timestamp: '0' }));

/**
 * A stream as a deployment sees it: time order with some arrivals late, a few events twice, and
 * customers that come back; cut into batches of random sizes. The stitcher dies at random writes
 * (its memory is lost, it starts again from ClickHouse and the last committed position) or sees a
 * write fail and tries the same batch again with what it holds. Its state is small, so customers
 * are evicted and read back. Pipelined, it prepares each next batch while one is written, as the
 * Kafka loop does, and a failure may hit either. At the end every table equals a computation from
 * all events at once.
 */
describe('stitching a stream in random batches with crashes equals a full computation', () => {
  let clickhouse: ClickHouse;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  });
  afterAll(async () => clickhouse?.close());

  const runs: Array<[seed: number, pipelined: boolean]> = [[1, false], [2, false], [3, false], [4, true], [5, true]];
  for (const [seed, pipelined] of runs) {
    it(`seed ${seed}${pipelined ? ', two batches in flight' : ''}`, async () => {
      const draw = random(seed * 7919);
      const valid = [...generateEvents({ events: 3000, seed })].map((raw) => {
        const result = validateCanonicalEvent(raw);
        if (!result.ok) throw new Error(result.rejection.reason);
        return result.event;
      });
      // Roughly time order: each event arrives up to a few hundred places late; 2% come twice.
      const stream = valid
        .map((event) => ({ event, at: Date.parse(event.occurredAt) + draw(20) * 3_600_000 }))
        .sort((a, b) => a.at - b.at)
        .map((x) => x.event);
      for (let i = 0; i < 60; i++) stream.splice(draw(stream.length), 0, stream[draw(stream.length)]!);

      await emptyTables(clickhouse.client);
      const settings = { orgMap: () => orgMap, repeatWindowMs: W, billingWindowMs: B, maxIdentifiers: 50, stateEvents: 400 };
      /** A stitcher process: its state is built from ClickHouse at start. */
      const start = async () => {
        const { client, control } = failingClient(clickhouse.client);
        const journeys = createJourneyRefresher(client, settings, logger);
        await journeys.ensureCurrent();
        return { processBatch: createBatchProcessor(client, logger, { journeys }), control };
      };
      let committed = 0;
      let crashes = 0;
      let failures = 0;
      let stitcher = await start();
      const cut = (from: number) => stream.slice(from, from + 1 + draw(pipelined ? 80 : 150));
      while (committed < stream.length) {
        const fate = draw(6);
        if (fate <= 1) stitcher.control.writesLeft = draw(pipelined ? 9 : 5);
        let failed: boolean;
        if (pipelined) {
          // Two in flight: the second is prepared from the state the first leaves, before the
          // first is written; its writes wait for the first's.
          const first = cut(committed);
          const second = cut(committed + first.length);
          // Preparing reads after the writes before it, so it fails too when they failed.
          const stage = (batch: CanonicalEvent[], from: number) =>
            stitcher.processBatch.staged(asMessages(batch, from)).then((staged) => staged.written.then(() => true, () => false), () => false);
          const a = stage(first, committed);
          const b = stage(second, committed + first.length);
          const [aWritten, bWritten] = await Promise.all([a, b]);
          // A batch after a failed one is never written.
          expect(!aWritten && bWritten).toBe(false);
          if (aWritten) committed += first.length;
          if (bWritten) committed += second.length;
          failed = !aWritten || !bWritten;
        } else {
          const batch = cut(committed);
          failed = await stitcher.processBatch(asMessages(batch, committed)).then(() => false, () => true);
          if (!failed) committed += batch.length;
        }
        stitcher.control.writesLeft = Infinity;
        if (failed && fate === 0) {
          // Killed: a new process starts from ClickHouse and the last committed position.
          stitcher = await start();
          crashes += 1;
        } else if (failed) failures += 1; // ClickHouse was away: the same process goes on from there
      }
      expect(crashes).toBeGreaterThanOrEqual(2);
      expect(failures).toBeGreaterThanOrEqual(2);

      const counts = await clickhouse.client.query({ query: 'SELECT count() AS rows, uniqExact(id) AS ids FROM events_v1', format: 'JSONEachRow' });
      const [stored] = await counts.json<{ rows: string; ids: string }>();
      expect(Number(stored!.rows)).toBe(valid.length);
      expect(Number(stored!.ids)).toBe(valid.length);

      const graph = buildIdentityGraph(valid);
      const identities = await readIdentities(clickhouse.client);
      const keys = [...new Set(valid.flatMap((e) => identifierKeys(e.customer)))].sort();
      expect([...identities.keys()].sort()).toEqual(keys);
      for (const key of keys) expect(identities.get(key), key).toBe(graph.customerOfIdentifier(key));

      const full = buildJourneys(valid, orgMap, { asOf: ALL, repeatWindowMs: W, billingWindowMs: B });
      const expected = journeyRows(full.customers, 'v', W, new Date(0));
      const pick = (rows: Record<string, unknown>[], key: string, columns: string) =>
        rows
          .map((row) => Object.fromEntries([key, ...columns.split(', ')].map((c) => [c, row[c]])))
          .sort((a, b) => (String(a[key]) < String(b[key]) ? -1 : 1));
      const contactColumns = 'customer_id, journey_id, first_team, final_team, transfers, is_repeat, resolved_first_contact, legs_team, legs_silo, previous_legs_team';
      expect(await current(clickhouse.client, 'contacts_v2', 'event_id', contactColumns)).toEqual(pick(expected.contacts, 'event_id', contactColumns));
      const journeyColumns = 'customer_id, first_team, contacts, cross_silo, billing_trigger_type';
      expect(await current(clickhouse.client, 'journeys_v2', 'journey_id', journeyColumns)).toEqual(pick(expected.journeys, 'journey_id', journeyColumns));
      const handoffColumns = 'kind, journey_id, contact_event_id, from_team, to_team, cross_silo';
      expect(await current(clickhouse.client, 'handoffs_v2', 'handoff_id', handoffColumns)).toEqual(pick(expected.handoffs, 'handoff_id', handoffColumns));
      // Each of the many small batches rebuilds the metric rollups of the hours it touches (about 30 s
      // with rollups per settled day, 50 to 60 s with rollups of changes on two cores).
    }, 180_000);
  }
});
