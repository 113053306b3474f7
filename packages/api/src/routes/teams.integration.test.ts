import type { FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { byCodeUnit, ratio, type JourneyModel, type OrgMap } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { buildTestApp } from '../test-app.ts';
import { AFTER_ALL_EVENTS, openSampleStore, sampleAndTinyOrgMap, TINY_WINDOWS as WINDOWS } from '../tiny-store.ts';
import type { Principal } from '../auth/principal.ts';
import { createMetricsService, type MetricsService } from '@seamline/metrics';
import { teamRoutes } from './teams.ts';

const logger = createLogger({ service: 'teams-test', level: 'warn', pretty: false });
/** The sample organisation and the tiny example's two queues, side by side in one store. */
const orgMap: OrgMap = sampleAndTinyOrgMap();

/** The routes as app.ts will wire them, with the principal a test names in a header instead of an API key. */
const buildApp = (clickhouse: ClickHouse): Promise<FastifyInstance> =>
  buildTestApp(logger, {
    errorHandler: (error, _request, reply) => {
      if (hasZodFastifySchemaValidationErrors(error)) return reply.code(400).send({ error: error.validation.map((v) => `${v.instancePath}: ${v.message}`).join('; ') });
      return reply.code(500).send({ error: String(error) });
    },
    routes: async (server) => {
      await server.register(teamRoutes, { clickhouse: clickhouse.client, metrics: createMetricsService(clickhouse.client, () => orgMap, WINDOWS) });
    },
  });

const teamKey = (...teams: string[]): Principal => ({ keyId: 'k_team', admin: false, teams, pii: false });

describe('team routes over the tiny example and a generated sample', () => {
  let clickhouse: ClickHouse;
  let app: FastifyInstance;
  let metrics: MetricsService;
  /** Every stored event, as the tables were built from them (asOf after all events). */
  let model: JourneyModel;
  /** The generated sample's team with the most contacts. */
  let busyTeam: string;

  beforeAll(async () => {
    ({ clickhouse, model } = await openSampleStore(orgMap, { events: 3000, seed: 23 }, logger));
    app = await buildApp(clickhouse);
    metrics = createMetricsService(clickhouse.client, () => orgMap, WINDOWS);
    const contactsPerTeam = new Map<string, number>();
    for (const contact of model.customers.flatMap((c) => c.contacts)) contactsPerTeam.set(contact.firstTeam, (contactsPerTeam.get(contact.firstTeam) ?? 0) + 1);
    busyTeam = [...contactsPerTeam].sort((a, b) => b[1] - a[1])[0]![0];
  });
  afterAll(async () => {
    await app?.close();
    await clickhouse?.close();
  });

  const get = async (url: string, principal?: Principal) => {
    const response = await app.inject({ method: 'GET', url, headers: principal ? { 'x-test-principal': JSON.stringify(principal) } : {} });
    return { status: response.statusCode, body: response.json() };
  };

  /** Each point must be the summary of its interval scoped to the team, as /v1/metrics/summary gives it. */
  async function expectPointsEqualSummaries(team: string, points: Record<string, unknown>[], asOf: string) {
    for (const point of points) {
      const { from, to, asOf: _asOf, scope, ...figures } = await metrics.summary({ from: point.from as string, to: point.to as string, asOf, team });
      expect(scope).toEqual({ team });
      expect(point).toStrictEqual({ from, to, ...figures });
    }
  }

  it('gives per ISO week the summary of that week, from the stitched tables', async () => {
    const query = `from=2026-01-03T12:00:00Z&to=2026-03-18T00:00:00Z&interval=week&asOf=${AFTER_ALL_EVENTS}`;
    const { status, body } = await get(`/v1/teams/${busyTeam}/trend?${query}`);
    expect(status).toBe(200);
    expect([body.team, body.interval]).toEqual([busyTeam, 'week']);
    const points = body.points as { from: string; to: string; contacts: number }[];
    // Clipped to [from, to); inner boundaries on Mondays 00:00 UTC (2026-01-05 is a Monday).
    expect(points[0]).toMatchObject({ from: '2026-01-03T12:00:00.000Z', to: '2026-01-05T00:00:00.000Z' });
    expect(points.at(-1)).toMatchObject({ from: '2026-03-16T00:00:00.000Z', to: '2026-03-18T00:00:00.000Z' });
    expect(points).toHaveLength(12);
    points.slice(1).forEach((point, i) => expect(point.from).toBe(points[i]!.to));
    expect(points.slice(1).every((p) => new Date(p.from).getUTCDay() === 1 && p.from.endsWith('T00:00:00.000Z'))).toBe(true);
    expect(points.reduce((sum, p) => sum + p.contacts, 0)).toBeGreaterThan(20);
    await expectPointsEqualSummaries(busyTeam, points, AFTER_ALL_EVENTS);
    expect(metrics.source()).toBe('tables');
  });

  it('gives per UTC day the summary of that day, the tiny team t1 too', async () => {
    const { body } = await get(`/v1/teams/t1/trend?from=2026-03-01T00:00:00Z&to=2026-03-15T00:00:00Z&interval=day&asOf=2026-04-01T00:00:00Z`);
    expect(body.points).toHaveLength(14);
    await expectPointsEqualSummaries('t1', body.points, '2026-04-01T00:00:00Z');
    const contactsByDay = (body.points as { from: string; contacts: number }[]).filter((p) => p.contacts > 0).map((p) => [p.from.slice(0, 10), p.contacts]);
    expect(contactsByDay).toEqual([
      ['2026-03-01', 1],
      ['2026-03-04', 1],
      ['2026-03-12', 1],
    ]);
  });

  it('cuts days at local midnight in tz, 23 hours long on the day clocks go forward, each the summary of its interval', async () => {
    // New York moves to summer time on 2026-03-08; dates without a time are local midnights.
    const { status, body } = await get(`/v1/teams/${busyTeam}/trend?from=2026-03-05&to=2026-03-12&interval=day&tz=America/New_York&asOf=${AFTER_ALL_EVENTS}`);
    expect(status, JSON.stringify(body)).toBe(200);
    const points = body.points as { from: string; to: string; contacts: number }[];
    expect(points.map((p) => p.from)).toEqual([
      '2026-03-05T05:00:00.000Z',
      '2026-03-06T05:00:00.000Z',
      '2026-03-07T05:00:00.000Z',
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
      '2026-03-10T04:00:00.000Z',
      '2026-03-11T04:00:00.000Z',
    ]);
    expect((Date.parse(points[3]!.to) - Date.parse(points[3]!.from)) / 3_600_000).toBe(23);
    expect(points.reduce((sum, p) => sum + p.contacts, 0)).toBeGreaterThan(0);
    await expectPointsEqualSummaries(busyTeam, points, AFTER_ALL_EVENTS);
    // Weeks start on local Monday (2026-03-09), in the zone's own offset.
    const weeks = await get(`/v1/teams/${busyTeam}/trend?from=2026-03-05&to=2026-03-20&interval=week&tz=America/New_York&asOf=${AFTER_ALL_EVENTS}`);
    expect((weeks.body.points as { from: string }[]).map((p) => p.from)).toEqual(['2026-03-05T05:00:00.000Z', '2026-03-09T04:00:00.000Z', '2026-03-16T04:00:00.000Z']);
    // Repeat reasons and worst journeys read dates in tz the same way.
    for (const path of ['repeat-reasons', 'journeys']) {
      const dated = await get(`/v1/teams/${busyTeam}/${path}?from=2026-03-05&to=2026-03-12&tz=America/New_York`);
      const instants = await get(`/v1/teams/${busyTeam}/${path}?from=2026-03-05T05:00:00Z&to=2026-03-12T04:00:00Z`);
      expect(dated.status, path).toBe(200);
      expect(dated.body, path).toEqual(instants.body);
    }
    // A zone that is none is named.
    const bad = await get(`/v1/teams/${busyTeam}/trend?from=2026-03-05&to=2026-03-12&tz=Mars/Olympus`);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/tz.*IANA time zone/);
  });

  it('reads the tables for an asOf before later events too, with the same figures as the summary', async () => {
    // Events after asOf exist: the rows say what each figure was at asOf.
    const asOf = '2026-02-10T00:00:00.000Z';
    const { status, body } = await get(`/v1/teams/${busyTeam}/trend?from=2026-01-12T00:00:00Z&to=2026-02-09T00:00:00Z&interval=week&asOf=${asOf}`);
    expect(status).toBe(200);
    expect(body.points).toHaveLength(4);
    await expectPointsEqualSummaries(busyTeam, body.points, asOf);
    expect(metrics.source()).toBe('tables');
  });

  it('refuses more than 400 points, a period that ends before it starts, and another team', async () => {
    const tooMany = await get('/v1/teams/t1/trend?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&interval=day');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toContain('more than 400 days');
    expect((await get('/v1/teams/t1/trend?from=2025-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&interval=week')).body.points).toHaveLength(61);
    const backwards = await get('/v1/teams/t1/trend?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z');
    expect(backwards).toEqual({ status: 400, body: { error: expect.stringContaining('from must be before to') } });
    expect((await get('/v1/teams/t1/trend?from=yesterday&to=2026-03-01T00:00:00Z')).status).toBe(400);
    const forbidden = await get('/v1/teams/t1/trend?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z', teamKey('t2'));
    expect(forbidden).toEqual({ status: 403, body: { error: expect.stringContaining('team "t1"') } });
    expect((await get('/v1/teams/t2/trend?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z', teamKey('t2'))).status).toBe(200);
  });

  it('counts repeat reasons as the journey model does', async () => {
    const from = '2026-01-01T00:00:00.000Z';
    const to = '2026-03-01T00:00:00.000Z';
    const byReason = new Map<string, { contacts: number; repeats: number }>();
    for (const contact of model.customers.flatMap((c) => c.contacts)) {
      if (contact.firstTeam !== busyTeam || contact.start < from || contact.start >= to) continue;
      const counts = byReason.get(contact.reason ?? '(none)') ?? { contacts: 0, repeats: 0 };
      counts.contacts += 1;
      if (!contact.resolvedAtFirstContact) counts.repeats += 1;
      byReason.set(contact.reason ?? '(none)', counts);
    }
    const expected = [...byReason]
      .map(([reason, c]) => ({ reason, ...c, repeatShare: ratio(c.repeats, c.contacts) }))
      .sort((a, b) => b.repeats - a.repeats || byCodeUnit(a.reason, b.reason));
    expect(expected.length).toBeGreaterThan(2);
    expect(expected.some((r) => r.repeats > 0)).toBe(true);
    const { body } = await get(`/v1/teams/${busyTeam}/repeat-reasons?from=${from}&to=${to}&limit=100`);
    expect(body).toStrictEqual({ team: busyTeam, reasons: expected });
    expect((await get(`/v1/teams/${busyTeam}/repeat-reasons?from=${from}&to=${to}&limit=2`)).body.reasons).toStrictEqual(expected.slice(0, 2));

    const tiny = await get('/v1/teams/t1/repeat-reasons?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z');
    expect(tiny.body).toStrictEqual({ team: 't1', reasons: [{ reason: '(none)', contacts: 3, repeats: 1, repeatShare: 0.333333 }] });
  });

  it('lists the journeys that started with the team, worst first', async () => {
    const from = '2026-01-01T00:00:00.000Z';
    const to = '2026-04-01T00:00:00.000Z';
    const journeys = model.customers.flatMap((customer) =>
      customer.journeys
        .filter((j) => j.firstTeam === busyTeam && j.start >= from && j.start < to)
        .map((j) => ({
          journeyId: j.journeyId,
          customerId: j.customerId,
          start: j.start,
          contacts: j.contactEventIds.length,
          handoffs: customer.contacts.filter((c) => c.journeyId === j.journeyId).reduce((sum, c) => sum + c.handoffs.length, 0),
          crossSilo: j.crossSilo,
          billingTriggerType: j.billingTrigger?.type ?? null,
        })),
    );
    const worstBy = (key: 'contacts' | 'handoffs') => [...journeys].sort((a, b) => b[key] - a[key] || byCodeUnit(a.start, b.start) || byCodeUnit(a.journeyId, b.journeyId));
    expect(journeys.length).toBeGreaterThan(25);
    const byContacts = await get(`/v1/teams/${busyTeam}/journeys?from=${from}&to=${to}`);
    expect(byContacts.body).toStrictEqual({ team: busyTeam, journeys: worstBy('contacts').slice(0, 20) });
    const byHandoffs = await get(`/v1/teams/${busyTeam}/journeys?from=${from}&to=${to}&sort=handoffs&limit=25`);
    expect(byHandoffs.body.journeys).toStrictEqual(worstBy('handoffs').slice(0, 25));
    expect(byHandoffs.body.journeys[0].handoffs).toBeGreaterThan(0);

    const tiny = await get('/v1/teams/t1/journeys?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z');
    expect(tiny.body.journeys.map((j: { contacts: number; handoffs: number; crossSilo: boolean; billingTriggerType: string | null }) => [j.contacts, j.handoffs, j.crossSilo, j.billingTriggerType])).toEqual([
      [3, 2, true, null],
      [1, 0, false, 'billing.payment_failed'],
    ]);
    expect((await get('/v1/teams/t1/journeys?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&sort=worst')).status).toBe(400);
  });
});
