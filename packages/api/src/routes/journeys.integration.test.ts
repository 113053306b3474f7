import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import type { JourneyModel, OrgMap } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { buildTestApp } from '../test-app.ts';
import { openSampleStore, sampleAndTinyOrgMap, TINY_WINDOWS } from '../tiny-store.ts';
import { UNRESTRICTED, type Principal } from '../auth/principal.ts';
import { journeyRoutes, type JourneyView } from './journeys.ts';
import { createMetricsService } from '@seamline/metrics';
import { teamRoutes } from './teams.ts';

const logger = createLogger({ service: 'journeys-test', level: 'warn', pretty: false });
/** The sample organisation and the tiny example's two queues, side by side in one store. */
const orgMap: OrgMap = sampleAndTinyOrgMap();

/** The routes as app.ts will wire them, with the principal a test names in a header instead of an API key. */
const buildApp = (clickhouse: ClickHouse): Promise<FastifyInstance> =>
  buildTestApp(logger, {
    routes: async (server) => {
      await server.register(teamRoutes, { clickhouse: clickhouse.client, metrics: createMetricsService(clickhouse.client, () => orgMap, TINY_WINDOWS) });
      await server.register(journeyRoutes, { clickhouse: clickhouse.client, orgMap: () => orgMap });
    },
  });

const teamKey = (teams: string[], pii = false): Principal => ({ keyId: 'k_team', admin: false, teams, pii });
const MARCH = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z';

describe('GET /v1/journeys/:id', () => {
  let clickhouse: ClickHouse;
  let app: FastifyInstance;
  let model: JourneyModel;

  beforeAll(async () => {
    ({ clickhouse, model } = await openSampleStore(orgMap, { events: 2000, seed: 31 }, logger));
    app = await buildApp(clickhouse);
  });
  afterAll(async () => {
    await app?.close();
    await clickhouse?.close();
  });

  const get = async (url: string, principal: Principal = UNRESTRICTED) => {
    const response = await app.inject({ method: 'GET', url, headers: { 'x-test-principal': JSON.stringify(principal) } });
    return { status: response.statusCode, body: response.json() };
  };
  /** The tiny example's journeys of team t1: a@x.com's (three contacts), then b@x.com's (billing-triggered). */
  const tinyJourneyIds = async (): Promise<[string, string]> => {
    const { body } = await get(`/v1/teams/t1/journeys?${MARCH}`);
    return [body.journeys[0].journeyId, body.journeys[1].journeyId];
  };

  it("shows a@x.com's journey touchpoint by touchpoint, with the transfer and the bounce where they happened", async () => {
    const [id] = await tinyJourneyIds();
    const { status, body } = await get(`/v1/journeys/${id}`);
    expect(status).toBe(200);
    const journey = body as JourneyView;
    expect(journey).toMatchObject({ journeyId: id, start: '2026-03-01T10:00:00.000Z', firstTeam: 't1', firstSilo: 's1', crossSilo: true, billingTrigger: null, teams: ['t1', 't2'] });
    expect(journey.touchpoints.map((t) => [t.eventId, t.kind, t.team, t.handoff ? `${t.handoff.kind} ${t.handoff.fromTeam}→${t.handoff.toTeam}` : ''])).toEqual([
      ['c1-s', 'contact', 't1', ''],
      ['c1-t', 'leg', 't2', 'transfer t1→t2'],
      ['c1-e', 'other', null, ''],
      ['k1', 'contact', 't2', ''],
      ['c2-s', 'contact', 't1', 'bounce t2→t1'],
    ]);
    expect(journey.touchpoints[1]).toStrictEqual({
      at: '2026-03-01T10:05:00.000Z',
      kind: 'leg',
      eventId: 'c1-t',
      type: 'call.transferred',
      source: 'connect',
      channel: 'phone',
      queue: 'Q2',
      team: 't2',
      silo: 's2',
      reason: null,
      customer: { email: 'a@x.com' },
      handoff: { kind: 'transfer', fromTeam: 't1', fromSilo: 's1', toTeam: 't2', toSilo: 's2', crossSilo: true },
    });
    expect(journey.touchpoints[4]!.handoff).toStrictEqual({ kind: 'bounce', fromTeam: 't2', fromSilo: 's2', toTeam: 't1', toSilo: 's1', crossSilo: true });
  });

  it("starts b@x.com's journey at the billing event that triggered it", async () => {
    const [, id] = await tinyJourneyIds();
    const { body } = await get(`/v1/journeys/${id}`);
    expect(body.billingTrigger).toEqual({ type: 'billing.payment_failed', at: '2026-03-02T00:00:00.000Z' });
    expect(body.touchpoints.map((t: { eventId: string; kind: string }) => [t.eventId, t.kind])).toEqual([
      ['b1', 'billing'],
      ['k2', 'contact'],
    ]);
  });

  it('masks identifiers unless the key may see them', async () => {
    const [id] = await tinyJourneyIds();
    const customers = async (principal: Principal) => (await get(`/v1/journeys/${id}`, principal)).body.touchpoints.map((t: { customer: unknown }) => t.customer);
    const masked = await customers(teamKey(['t1']));
    expect(masked[0]).toEqual({ email: 'a***@x.com' });
    expect(masked[3].email).toBe('a***@x.com');
    expect(masked[3].phone).not.toBe('+4911111111');
    expect(masked[3].phone).toMatch(/^\+\**11$/);
    const plain = await customers(teamKey(['t1'], true));
    expect(plain[3]).toEqual({ email: 'a@x.com', phone: '+4911111111' });
  });

  it("answers 403 for another team's journey and 404 for an unknown id", async () => {
    const [aJourney, bJourney] = await tinyJourneyIds();
    // a@x.com's journey touched t2 (the transfer and k1), b@x.com's only t1.
    expect((await get(`/v1/journeys/${aJourney}`, teamKey(['t2']))).status).toBe(200);
    const forbidden = await get(`/v1/journeys/${bJourney}`, teamKey(['t2']));
    expect(forbidden).toEqual({ status: 403, body: { error: expect.stringContaining('may not see journey') } });
    expect((await get(`/v1/journeys/${aJourney}`, teamKey(['billing-t1']))).status).toBe(403);
    const unknown = await get('/v1/journeys/jrn_0000000000000000');
    expect(unknown).toEqual({ status: 404, body: { error: expect.stringContaining('no journey "jrn_0000000000000000"') } });
    expect((await get('/v1/journeys/jrn_0000000000000000', teamKey(['t2']))).status).toBe(404);
  });

  it('shows every event of a generated journey in time order, each handoff marked once', async () => {
    const worst = model.customers
      .flatMap((customer) => customer.journeys.map((journey) => ({ customer, journey })))
      .map(({ customer, journey }) => ({ customer, journey, handoffs: customer.contacts.filter((c) => c.journeyId === journey.journeyId).flatMap((c) => c.handoffs) }))
      .filter(({ journey }) => journey.customerId !== model.customers.find((c) => c.contacts.some((k) => k.eventId === 'c1-s'))?.customerId)
      .sort((a, b) => b.handoffs.length - a.handoffs.length || (a.journey.journeyId < b.journey.journeyId ? -1 : 1))
      .slice(0, 5);
    expect(worst[0]!.handoffs.length).toBeGreaterThan(1);
    for (const { customer, journey, handoffs } of worst) {
      const { status, body } = await get(`/v1/journeys/${journey.journeyId}`);
      expect(status).toBe(200);
      const view = body as JourneyView;
      const times = view.touchpoints.map((t) => t.at);
      expect(times).toEqual([...times].sort());
      expect(times[0]).toBe(journey.billingTrigger?.at ?? journey.start);
      const next = customer.journeys[customer.journeys.indexOf(journey) + 1];
      if (next) expect(times.every((at) => at < next.start)).toBe(true);
      const starts = view.touchpoints.filter((t) => t.kind === 'contact').map((t) => t.eventId);
      expect(starts).toEqual(journey.contactEventIds);
      const marked = view.touchpoints.filter((t) => t.handoff).map((t) => [t.handoff!.kind, t.handoff!.fromTeam, t.handoff!.toTeam, t.at]);
      expect(marked.sort()).toEqual(handoffs.map((h) => [h.kind, h.fromTeam, h.toTeam, h.at]).sort());
      expect(view.teams).toContain(journey.firstTeam);
    }
  });
});
