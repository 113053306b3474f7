import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRollupHours, hoursOf, hoursToBuild, markRollupHoursDirty, readNextChange, readStoredJourney, ROLLUP_TABLE, rollupsFromTables, type ClickHouse } from '@seamline/clickhouse';
import { emptyTables, openTestClickHouse } from '@seamline/clickhouse/testing';
import { createRandom, generateEvents, sampleOrgMap } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import { buildJourneys, isContactStart, summarizeJourneys, summarizeTeams, summarizeTransitions, type JourneyModel, type OrgMap, type Scope } from '@seamline/journeys';
import { eventMessage, TOPICS, type IncomingMessage } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';
import { createMetricsService } from '@seamline/metrics';

// Every answer of the metric service, for random periods, asOf values and scopes, equals the
// journey model rebuilt from all events at that asOf, on a store the stitcher filled from a
// stream cut into random batches. Most asOf values lie before the latest stored event, so the
// answers come from what the rows say about an earlier asOf.

const logger = createLogger({ service: 'metrics-at-any-as-of', level: 'warn', pretty: false });
const DAY = 86_400_000;
const windows = { repeatWindowMs: 7 * DAY, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };

/** draw(n): a seeded whole number in [0, n). */
function random(seed: number) {
  const rng = createRandom(seed, 3);
  return (n: number) => Math.floor(rng.next() * n);
}

/**
 * The sample org map with one team in two silos: a ticket moved between its queues changes silo
 * but not team, so a bounce can stop being cross-silo without a cross-silo transfer.
 */
function orgMapWithTeamInTwoSilos(): OrgMap {
  const orgMap = sampleOrgMap();
  const [queue] = Object.entries(orgMap.queues).find(([, placement]) => placement.silo === 'retention')!;
  orgMap.queues[queue] = { team: 'support-frontline', silo: 'retention' };
  return orgMap;
}

/** Generated events, plus moves of some tickets and calls days later, after the customer came back. */
function eventsWithLateMoves(seed: number, orgMap: OrgMap): CanonicalEvent[] {
  const draw = random(seed);
  const queues = Object.keys(orgMap.queues);
  const valid = (raw: unknown) => {
    const result = validateCanonicalEvent(raw);
    if (!result.ok) throw new Error(result.rejection.reason);
    return result.event;
  };
  const events = [...generateEvents({ events: 3000, seed })].map(valid);
  const moves = events
    .filter((event) => isContactStart(event) && draw(6) === 0)
    .map((start, i) =>
      valid({
        ...start,
        id: `late-move-${seed}-${i}`,
        type: start.type === 'call.started' ? 'call.transferred' : 'ticket.reassigned',
        occurredAt: new Date(Date.parse(start.occurredAt) + (1 + draw(10 * 24)) * 3_600_000).toISOString(),
        queue: queues[draw(queues.length)],
      }),
    );
  return [...events, ...moves];
}

const asMessages = (events: CanonicalEvent[], from: number): IncomingMessage[] =>
  events.map((event, i) => ({ topic: TOPICS.raw, partition: 0, offset: String(from + i), key: null, value: Buffer.from(eventMessage(event).value), timestamp: '0' }));

describe('the metric service at any asOf, on a store stitched in random batches', () => {
  let clickhouse: ClickHouse;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  });
  afterAll(async () => clickhouse?.close());

  for (const seed of [11, 12]) {
    it(`answers as the model rebuilt from all events does, from the tables (seed ${seed})`, async () => {
      const draw = random(seed * 104_729);
      const orgMap = orgMapWithTeamInTwoSilos();
      const events = eventsWithLateMoves(seed, orgMap);
      // The organisation as one stream: time order with late arrivals and a few duplicates.
      const stream = events
        .map((event) => ({ event, at: Date.parse(event.occurredAt) + draw(30) * 3_600_000 }))
        .sort((a, b) => a.at - b.at)
        .map((x) => x.event);
      for (let i = 0; i < 40; i++) stream.splice(draw(stream.length), 0, stream[draw(stream.length)]!);

      await emptyTables(clickhouse.client);
      const journeys = createJourneyRefresher(clickhouse.client, { orgMap: () => orgMap, ...windows, stateEvents: 500 }, logger);
      await journeys.ensureCurrent();
      const processBatch = createBatchProcessor(clickhouse.client, logger, { journeys });
      // A service open while the stream is written: what it keeps in memory follows every write.
      const live = createMetricsService(clickhouse.client, () => orgMap, windows);
      for (let done = 0, batches = 0; done < stream.length; batches++) {
        const batch = stream.slice(done, done + 1 + draw(200));
        await processBatch(asMessages(batch, done));
        done += batch.length;
        if (batches % 4 !== 0) continue;
        const stored = [...new Map(stream.slice(0, done).map((event) => [event.id, event])).values()];
        const seen = stored.map((event) => Date.parse(event.occurredAt)).sort((a, b) => a - b);
        const asOf = draw(2) === 0 ? seen[seen.length - 1]! + 1 : seen[draw(seen.length)]!;
        const period = { from: new Date(seen[0]! - DAY), to: new Date(seen[0]! + draw(60) * DAY + draw(DAY)), scope: {} };
        const query = { from: period.from.toISOString(), to: period.to.toISOString(), asOf: new Date(asOf).toISOString() };
        const model = buildJourneys(stored, orgMap, { asOf: new Date(asOf), ...windows });
        expect(await live.summary(query), `summary after ${done} events, ${JSON.stringify(query)}`).toStrictEqual(summarizeJourneys(model, period));
        expect(await live.transitions(query), `transitions after ${done} events`).toStrictEqual(summarizeTransitions(model, period));
      }
      expect(live.cacheStats().rollups.loads).toBeGreaterThan(1);

      const service = createMetricsService(clickhouse.client, () => orgMap, windows);
      const instants = [...new Set(events.map((event) => Date.parse(event.occurredAt)))].sort((a, b) => a - b);
      const [first, last] = [instants[0]!, instants[instants.length - 1]!];
      const teams = [...new Set(Object.values(orgMap.queues).map((placement) => placement.team))];
      const silos = [...new Set(Object.values(orgMap.queues).map((placement) => placement.silo))];
      const models = new Map<number, JourneyModel>();
      const modelAt = (asOf: number) => {
        let model = models.get(asOf);
        if (!model) models.set(asOf, (model = buildJourneys(events, orgMap, { asOf: new Date(asOf), ...windows })));
        return model;
      };
      const asOfs = [
        ...Array.from({ length: 6 }, () => instants[draw(instants.length)]!), // on an event's instant
        ...Array.from({ length: 6 }, () => first + draw(last - first)), // anywhere in the data
        last + 1,
        last + 30 * DAY,
      ];
      for (const asOf of asOfs) {
        for (let q = 0; q < 4; q++) {
          const from = first - DAY + draw(last - first + 2 * DAY);
          const to = from + 1 + draw(q === 0 ? 90 * DAY : 10 * DAY);
          const scope: Scope = [{}, { team: teams[draw(teams.length)]! }, { silo: silos[draw(silos.length)]! }, { team: teams[draw(teams.length)]!, silo: silos[draw(silos.length)]! }][draw(4)]!;
          const query = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), asOf: new Date(asOf).toISOString(), ...scope };
          const period = { from: new Date(from), to: new Date(to), scope };
          const where = JSON.stringify(query);
          const model = modelAt(asOf);
          expect(await service.summary(query), `summary ${where}`).toStrictEqual(summarizeJourneys(model, period));
          expect(service.source()).toBe('tables');
          expect(await service.teams(query), `teams ${where}`).toStrictEqual(summarizeTeams(model, period));
          expect(await service.transitions(query), `transitions ${where}`).toStrictEqual(summarizeTransitions(model, period));
          expect(service.source()).toBe('tables');
          // The same question a moment later: kept or computed again, the answer is the same.
          const later = asOf + draw(3) * (1 + draw(60_000));
          const again = await service.summary({ ...query, asOf: new Date(later).toISOString() });
          expect(again, `again at ${new Date(later).toISOString()} ${where}`).toStrictEqual(summarizeJourneys(modelAt(later), period));
        }
      }
      // When the rows next change, from the changes of the built hours, is never later than what
      // the contacts themselves say; changes of replaced builds could make it earlier, but nearly
      // all are replaced by the build after them.
      const modelVersion = journeys.version();
      const rowsOnly = { ...rollupsFromTables(clickhouse.client), hours: async () => ({ hours: new Map(), complete: false }) };
      const nextAt = [...asOfs, first - DAY, ...instants.filter((_, i) => i % 50 === 0)];
      let same = 0;
      for (const asOf of nextAt) {
        const rolled = await readNextChange(clickhouse.client, modelVersion, new Date(asOf));
        const fromRows = await readNextChange(clickhouse.client, modelVersion, new Date(asOf), rowsOnly);
        expect(rolled, new Date(asOf).toISOString()).toBeGreaterThan(asOf);
        expect(rolled, new Date(asOf).toISOString()).toBeLessThanOrEqual(fromRows);
        if (rolled === fromRows) same += 1;
      }
      expect(same).toBeGreaterThan(nextAt.length * 0.9);

      // The late moves gave contacts more legs, and some answers were reused.
      const full = modelAt(last + 365 * DAY);
      expect(full.customers.flatMap((c) => c.contacts).filter((c) => c.legs.length > 2).length).toBeGreaterThan(20);
      expect(service.cacheStats().hits).toBeGreaterThan(0);

      // The drill-down shows each journey as the model of every event has it, and none of the
      // journeys that late events replaced (a new first contact gives a journey a new id).
      const modelJourneys = full.customers.flatMap((customer) => customer.journeys.map((journey, i) => ({ journey, next: customer.journeys[i + 1] })));
      for (const { journey, next } of modelJourneys.filter((_, i) => i % 7 === 0)) {
        const stored = await readStoredJourney(clickhouse.client, journey.journeyId);
        expect(stored, journey.journeyId).toBeDefined();
        expect(stored!.journey.start_ms).toBe(Date.parse(journey.start));
        expect(stored!.contacts.map((contact) => contact.event_id)).toEqual(journey.contactEventIds);
        expect(stored!.nextJourneyStartMs).toBe(next ? Date.parse(next.start) : undefined);
      }
      const current = new Set(modelJourneys.map(({ journey }) => journey.journeyId));
      const everStored = await (await clickhouse.client.query({ query: 'SELECT DISTINCT journey_id AS id FROM journeys_v2', format: 'JSONEachRow' })).json<{ id: string }>();
      const replaced = everStored.map((row) => row.id).filter((id) => !current.has(id));
      expect(replaced.length).toBeGreaterThan(0);
      for (const id of replaced.slice(0, 20)) expect(await readStoredJourney(clickhouse.client, id), id).toBeUndefined();

      // Every hour with contacts was rolled up as it was written: none is left to build.
      expect(await hoursToBuild(clickhouse.client, modelVersion)).toEqual([]);
      // A writer that stopped between marking hours dirty and building them again: their entries
      // are wrong now (a stray entry of the dirty build), yet the answers stay exact, read from rows.
      const hours = hoursOf(full.customers.flatMap((c) => c.contacts.map((contact) => contact.start))).filter((_, i) => i % 3 === 0);
      await markRollupHoursDirty(clickhouse.client, modelVersion, hours);
      const [stray] = await (
        await clickhouse.client.query({ query: `SELECT max(version) AS v FROM metric_rollup_hours_v2 FINAL WHERE dirty = 1`, format: 'JSONEachRow' })
      ).json<{ v: string }>();
      await clickhouse.client.insert({
        table: ROLLUP_TABLE,
        values: hours.map((hour) => ({ model_version: modelVersion, hour: new Date(hour).toISOString().slice(0, 19).replace('T', ' '), role: 1, change_hour: '2026-01-01 00:00:00', team: teams[0], silo: 'x', contacts: 1000, version: stray!.v })),
        format: 'JSONEachRow',
      });
      const fresh = createMetricsService(clickhouse.client, () => orgMap, windows);
      const whole = { from: new Date(first - DAY).toISOString(), to: new Date(last + DAY).toISOString() };
      for (const asOf of [last + 1, instants[draw(instants.length)]!]) {
        const query = { ...whole, asOf: new Date(asOf).toISOString() };
        expect(await fresh.summary(query)).toStrictEqual(summarizeJourneys(modelAt(asOf), { from: new Date(whole.from), to: new Date(whole.to), scope: {} }));
      }
      // The next start builds them again.
      expect(await hoursToBuild(clickhouse.client, modelVersion)).toEqual(hours);
      await buildRollupHours(clickhouse.client, modelVersion, hours);
      expect(await hoursToBuild(clickhouse.client, modelVersion)).toEqual([]);
      const query = { ...whole, asOf: new Date(last + 1).toISOString() };
      expect(await createMetricsService(clickhouse.client, () => orgMap, windows).summary(query)).toStrictEqual(
        summarizeJourneys(modelAt(last + 1), { from: new Date(whole.from), to: new Date(whole.to), scope: {} }),
      );
    }, 600_000);
  }
});
