import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { generateEvents, sampleOrgMap } from '@seamline/generator';
import { testStack } from '@seamline/infra/testing';
import {
  buildJourneys,
  computeSummary,
  computeTeams,
  computeTransitions,
  summarizeJourneys,
  summarizeTeams,
  summarizeTransitions,
  summarySchema,
  teamsSchema,
  transitionsSchema,
  type JourneyModel,
  type Scope,
} from '@seamline/journeys';
import { createMetricsService } from './metrics-service.ts';
import { summaryFromTables, teamsFromTables, transitionsFromTables } from './table-metrics.ts';
import { stitch, validEvents, WINDOWS, type Stitched } from './test-store.ts';

let clickhouse: ClickHouse;
beforeAll(async () => {
  clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
});
afterAll(async () => clickhouse?.close());

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('figures from the stitched tables, against the journey model rebuilt from events', () => {
  const orgMap = sampleOrgMap();
  let stitched: Stitched;
  let lastEventMs: number;
  beforeAll(async () => {
    stitched = await stitch(clickhouse.client, validEvents(generateEvents({ events: 5000, seed: 20260301 })), orgMap);
    lastEventMs = Math.max(...stitched.events.map((event) => Date.parse(event.occurredAt)));
  });

  // computeX(events, orgMap, params) is summarizeX(buildJourneys(events, orgMap, params), params):
  // the model is built once per asOf and serves every period and scope.
  const models = new Map<number, JourneyModel>();
  const modelAsOf = (asOf: Date) => {
    let model = models.get(asOf.getTime());
    if (!model) models.set(asOf.getTime(), (model = buildJourneys(stitched.events, orgMap, { asOf, ...WINDOWS })));
    return model;
  };

  async function expectSameFigures(from: Date, to: Date, asOf: Date, scope: Scope): Promise<void> {
    const period = { from, to, scope };
    const params = { ...period, asOf, modelVersion: stitched.modelVersion };
    const model = modelAsOf(asOf);
    const [summary, teams, transitions] = await Promise.all([
      summaryFromTables(clickhouse.client, params),
      teamsFromTables(clickhouse.client, params),
      transitionsFromTables(clickhouse.client, params),
    ]);
    const where = `${from.toISOString()}..${to.toISOString()} asOf ${asOf.toISOString()} scope ${JSON.stringify(scope)}`;
    expect(summary, `summary ${where}`).toStrictEqual(summarizeJourneys(model, period));
    expect(teams, `teams ${where}`).toStrictEqual(summarizeTeams(model, period));
    expect(transitions, `transitions ${where}`).toStrictEqual(summarizeTransitions(model, period));
  }

  /** No scope, each team and silo the data names, matching and clashing pairs, and names nobody has. */
  function scopes(): Scope[] {
    const contacts = stitched.model.customers.flatMap((customer) => customer.contacts);
    const siloOf = new Map(contacts.flatMap((c) => [[c.firstTeam, c.firstSilo] as const, [c.finalTeam, c.finalSilo] as const]));
    const silos = [...new Set(siloOf.values())];
    const [team, silo] = [...siloOf].find(([, s]) => s === 'billing')!;
    return [
      {},
      ...[...siloOf.keys()].map((t) => ({ team: t })),
      ...silos.map((s) => ({ silo: s })),
      { team, silo },
      { team, silo: 'support' },
      { team: 'no-such-team' },
      { silo: 'no-such-silo' },
    ];
  }

  it('gives the same summary, teams and transitions for the whole range, every scope and several asOf', async () => {
    const [from, to] = [new Date('2025-12-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z')];
    // Just after the last event (recent contacts not mature yet), days later, and far ahead.
    for (const asOf of [new Date(lastEventMs + 1), new Date(lastEventMs + 3 * DAY), new Date('9999-01-01T00:00:00Z')]) {
      for (const scope of scopes()) await expectSameFigures(from, to, asOf, scope);
    }
    expect(stitched.model.customers.length).toBeGreaterThan(500);
  });

  it('gives the same figures week by week, for the whole organisation, a team and a silo', async () => {
    const asOf = new Date(lastEventMs + 1);
    for (let start = Date.parse('2026-01-01T00:00:00Z'); start < lastEventMs; start += 7 * DAY) {
      for (const scope of [{}, { team: 'support-frontline' }, { silo: 'billing' }]) {
        await expectSameFigures(new Date(start), new Date(start + 7 * DAY), asOf, scope);
      }
    }
  });

  it('leaves out contacts and journeys at or after asOf of a period that reaches beyond it', async () => {
    const asOf = new Date(lastEventMs + 1);
    await expectSameFigures(new Date(lastEventMs - 10 * DAY), new Date(lastEventMs + 30 * DAY), asOf, {});
    await expectSameFigures(new Date(lastEventMs + 1), new Date(lastEventMs + 30 * DAY), asOf, {});
  });

  it('treats the bounds as docs/metrics.md does: from inclusive, to exclusive, mature once start + W <= asOf', async () => {
    const starts = [...new Set(stitched.model.customers.flatMap((c) => c.contacts.map((contact) => Date.parse(contact.start))))].sort((a, b) => a - b);
    const [from, to] = [starts[100]!, starts[400]!];
    // The first contact that turns mature only after the last event: asOf is exactly then.
    const maturing = starts.find((start) => start + WINDOWS.repeatWindowMs > lastEventMs)!;
    const asOf = new Date(maturing + WINDOWS.repeatWindowMs);
    for (const scope of [{}, { silo: 'support' }]) await expectSameFigures(new Date(from), new Date(to), asOf, scope);
    await expectSameFigures(new Date(maturing), new Date(asOf.getTime() + DAY), asOf, {});
  });

  it('answers from the tables while they are exact, and the JSON is the contract', async () => {
    const service = createMetricsService(clickhouse.client, () => orgMap, WINDOWS);
    const query = { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z', asOf: iso(lastEventMs + 1) };
    const params = { from: new Date(query.from), to: new Date(query.to), asOf: new Date(query.asOf), scope: {}, ...WINDOWS };
    const summary = await service.summary(query);
    expect(service.source()).toBe('tables');
    expect(summarySchema.parse(summary)).toStrictEqual(summary);
    expect(summary).toStrictEqual(computeSummary(stitched.events, orgMap, params));
    expect(teamsSchema.parse(await service.teams(query))).toStrictEqual(computeTeams(stitched.events, orgMap, params));
    expect(transitionsSchema.parse(await service.transitions(query))).toStrictEqual(computeTransitions(stitched.events, orgMap, params));
    expect(service.source()).toBe('tables');
  });

  it('falls back to the events when the org map in force is not the one the tables were built with', async () => {
    const changed = sampleOrgMap();
    changed.queues['Support Chat'] = { team: 'support-chat', silo: 'chat' };
    const service = createMetricsService(clickhouse.client, () => changed, WINDOWS);
    const query = { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z', asOf: iso(lastEventMs + 1), silo: 'chat' };
    const params = { from: new Date(query.from), to: new Date(query.to), asOf: new Date(query.asOf), scope: { silo: 'chat' }, ...WINDOWS };
    const summary = await service.summary(query);
    expect(service.source()).toBe('events');
    expect(summary).toStrictEqual(computeSummary(stitched.events, changed, params));
    expect(summary.contacts).toBeGreaterThan(0);
    expect(await service.teams(query)).toStrictEqual(computeTeams(stitched.events, changed, params));
    expect(service.source()).toBe('events');
  });

  it('answers from the tables at an asOf before the last event too, exactly', async () => {
    const service = createMetricsService(clickhouse.client, () => orgMap, WINDOWS);
    const instants = [...new Set(stitched.events.map((event) => Date.parse(event.occurredAt)))].sort((a, b) => a - b);
    // On the last event's instant, on another event's instant, and between two instants.
    for (const asOf of [lastEventMs, instants[Math.floor(instants.length / 2)]!, Date.parse('2026-02-15T00:00:00Z')]) {
      const query = { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z', asOf: iso(asOf) };
      const params = { from: new Date(query.from), to: new Date(query.to), asOf: new Date(asOf), scope: {}, ...WINDOWS };
      expect(await service.transitions(query)).toStrictEqual(computeTransitions(stitched.events, orgMap, params));
      expect(service.source()).toBe('tables');
      expect(await service.summary(query)).toStrictEqual(computeSummary(stitched.events, orgMap, params));
      expect(service.source()).toBe('tables');
      for (const scope of scopes()) await expectSameFigures(new Date(asOf - 20 * DAY), new Date(asOf + DAY), new Date(asOf), scope);
    }
  });
});
