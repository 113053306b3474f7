import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { parseOrgMap } from '@seamline/journeys';
import { createLogger } from '@seamline/log';
import { createMetricsService } from '@seamline/metrics';
import { buildMetricsApp } from './app.ts';
import { stitchTiny, TINY_WINDOWS } from './tiny-store.ts';

// Accept: text/csv on the metric endpoints and the trend: the figures of the JSON, as CSV.

const logger = createLogger({ service: 'csv-test', level: 'warn', pretty: false });
const fixture = new URL('../../../test/fixtures/tiny/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixture), 'utf8');
const orgMap = parseOrgMap(read('org.json'), 'org.json');
const MARCH = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&asOf=2026-04-01T00:00:00Z';

/** A CSV cell as the JSON value it stands for. */
const value = (cell: string, json: unknown) => (typeof json === 'number' ? Number(cell) : json === null ? (cell === '' ? null : cell) : typeof json === 'boolean' ? cell === 'true' : cell);

describe('CSV from the metric API', () => {
  let clickhouse: ClickHouse;
  let app: FastifyInstance;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
    await stitchTiny(clickhouse.client, orgMap, logger);
    const metrics = createMetricsService(clickhouse.client, () => orgMap, TINY_WINDOWS);
    app = await buildMetricsApp({ clickhouse: clickhouse.client, metrics, orgMap: () => orgMap, logger, auth: 'off' });
  });
  afterAll(async () => {
    await app?.close();
    await clickhouse?.close();
  });

  const both = async (url: string) => {
    const json = await app.inject({ method: 'GET', url });
    const csv = await app.inject({ method: 'GET', url, headers: { accept: 'text/csv' } });
    expect(json.statusCode).toBe(200);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="seamline-[\w-]+-2026-03-01-2026-04-01\.csv"$/);
    expect(String(csv.headers.vary)).toContain('Accept');
    expect(csv.headers.etag).not.toBe(json.headers.etag);
    return { json: json.json(), rows: parse(csv.body, { columns: true }) as Record<string, string>[] };
  };

  it('gives the summary as one row with every figure of the JSON, its period and scope', async () => {
    const { json, rows } = await both(`/v1/metrics/summary?${MARCH}&team=t1`);
    expect(rows).toHaveLength(1);
    const { scope, ...figures } = json as Record<string, unknown> & { scope: { team?: string } };
    for (const [key, expected] of Object.entries(figures)) expect(value(rows[0]![key]!, expected), key).toEqual(expected);
    expect(rows[0]!.scopeTeam).toBe(scope.team);
  });

  it('gives one row per team, per handoff pair and per trend interval, equal to the JSON', async () => {
    const teams = await both(`/v1/metrics/teams?${MARCH}`);
    const teamRows = (teams.json as { teams: Record<string, unknown>[] }).teams;
    expect(teams.rows.map((row) => row.team)).toEqual(teamRows.map((row) => row.team));
    for (const [i, row] of teamRows.entries()) for (const key of ['contacts', 'fcrRate', 'repeatRate', 'bounces']) expect(value(teams.rows[i]![key]!, row[key]), key).toEqual(row[key]);

    const transitions = await both(`/v1/metrics/transitions?${MARCH}`);
    const pairs = transitions.json as { silos: { fromSilo: string; toSilo: string; count: number }[]; teams: { fromTeam: string; toTeam: string; count: number }[] };
    expect(transitions.rows).toEqual([
      ...pairs.silos.map((t) => ({ between: 'silos', from: t.fromSilo, to: t.toSilo, count: String(t.count) })),
      ...pairs.teams.map((t) => ({ between: 'teams', from: t.fromTeam, to: t.toTeam, count: String(t.count) })),
    ]);

    const reasons = await both(`/v1/teams/t1/repeat-reasons?${MARCH}`);
    const reasonRows = (reasons.json as { reasons: { reason: string; contacts: number }[] }).reasons;
    expect(reasons.rows.map((row) => [row.team, row.reason, Number(row.contacts)])).toEqual(reasonRows.map((r) => ['t1', r.reason, r.contacts]));
    const journeys = await both(`/v1/teams/t1/journeys?${MARCH}`);
    const journeyRows = (journeys.json as { journeys: { journeyId: string; contacts: number; crossSilo: boolean }[] }).journeys;
    expect(journeyRows.length).toBeGreaterThan(0);
    expect(journeys.rows.map((row) => [row.journeyId, Number(row.contacts), row.crossSilo])).toEqual(journeyRows.map((j) => [j.journeyId, j.contacts, String(j.crossSilo)]));

    const trend = await both(`/v1/teams/t1/trend?${MARCH}&interval=week`);
    const points = (trend.json as { points: Record<string, unknown>[] }).points;
    expect(trend.rows.map((row) => [row.team, row.from, row.to, Number(row.contacts)])).toEqual(points.map((p) => ['t1', p.from, p.to, p.contacts]));
  });

  it('reads dates without a time as local midnight in tz, else in the organisation\'s zone', async () => {
    const metrics = createMetricsService(clickhouse.client, () => orgMap, TINY_WINDOWS);
    const berlin = await buildMetricsApp({ clickhouse: clickhouse.client, metrics, orgMap: () => orgMap, logger, auth: 'off', timeZone: 'Europe/Berlin' });
    try {
      const inBerlin = (await berlin.inject({ method: 'GET', url: '/v1/metrics/summary?from=2026-03-01&to=2026-04-01&asOf=2026-04-02' })).json();
      expect([inBerlin.from, inBerlin.to, inBerlin.asOf]).toEqual(['2026-02-28T23:00:00.000Z', '2026-03-31T22:00:00.000Z', '2026-04-01T22:00:00.000Z']);
      const inUtc = (await berlin.inject({ method: 'GET', url: '/v1/metrics/summary?from=2026-03-01&to=2026-04-01&tz=UTC' })).json();
      expect([inUtc.from, inUtc.to]).toEqual(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
      const bad = await berlin.inject({ method: 'GET', url: '/v1/metrics/teams?from=2026-03-01&to=2026-04-01&tz=Berlin' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatch(/tz: must be an IANA time zone/);
    } finally {
      await berlin.close();
    }
  });

  it('answers JSON unless CSV is preferred, and keeps errors JSON', async () => {
    const preferJson = await app.inject({ method: 'GET', url: `/v1/metrics/summary?${MARCH}`, headers: { accept: 'application/json, text/csv;q=0.5' } });
    expect(preferJson.headers['content-type']).toContain('application/json');
    const bad = await app.inject({ method: 'GET', url: '/v1/metrics/summary?from=March', headers: { accept: 'text/csv' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toContain('from');
  });
});
