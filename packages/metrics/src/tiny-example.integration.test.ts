import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJourneyRows, type ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { buildJourneys, computeTeams, computeTransitions, parseOrgMap, summarizeJourneys, summarizeTeams, summarizeTransitions, type OrgMap } from '@seamline/journeys';
import { createMetricsService } from './metrics-service.ts';
import { summaryFromTables, teamsFromTables, transitionsFromTables } from './table-metrics.ts';
import { resetStore, stitch, validEvents, WINDOWS, type Stitched } from './test-store.ts';

let clickhouse: ClickHouse;
beforeAll(async () => {
  clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
});
afterAll(async () => clickhouse?.close());

const fixture = new URL('../../../test/fixtures/tiny/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixture), 'utf8');
const tinyEvents = () => validEvents(read('events.ndjson').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line)));
const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };
const asOf = new Date('2026-04-01T00:00:00Z');

describe('the tiny example from the stitched tables', () => {
  const orgMap = parseOrgMap(read('org.json'), 'org.json');
  const expected = JSON.parse(read('expected.json'));
  let stitched: Stitched;
  beforeAll(async () => {
    await resetStore(clickhouse.client);
    stitched = await stitch(clickhouse.client, tinyEvents(), orgMap);
  });

  it('gives exactly the expected summary and transitions, through the service too', async () => {
    const params = { ...period, asOf, modelVersion: stitched.modelVersion };
    expect(await summaryFromTables(clickhouse.client, params)).toStrictEqual(expected.summary);
    expect(await transitionsFromTables(clickhouse.client, params)).toStrictEqual(expected.transitions);
    const service = createMetricsService(clickhouse.client, () => orgMap, WINDOWS);
    const query = { from: period.from.toISOString(), to: period.to.toISOString(), asOf: asOf.toISOString() };
    expect(await service.summary(query)).toStrictEqual(expected.summary);
    expect(service.source()).toBe('tables');
  });

  it('ignores rows of another model version', async () => {
    const summary = await summaryFromTables(clickhouse.client, { ...period, asOf, modelVersion: 'm_another' });
    expect([summary.contacts, summary.matureContacts, summary.journeys, summary.bounces]).toEqual([0, 0, 0, 0]);
    expect([summary.repeatRate, summary.fcrRate, summary.contactsPerJourney]).toEqual([null, null, null]);
    expect(await teamsFromTables(clickhouse.client, { ...period, asOf, modelVersion: 'm_another' })).toEqual({ teams: [] });
  });

  it('does not count a journey written again as deleted', async () => {
    const model = buildJourneys(stitched.events, orgMap, { asOf, ...WINDOWS });
    const goneJourney = model.customers.flatMap((c) => c.journeys).find((j) => j.contactEventIds.length === 1)!;
    await writeJourneyRows(
      clickhouse.client,
      stitched.modelVersion,
      { contacts: [], journeys: [], handoffs: [] },
      { journeys: [{ id: goneJourney.journeyId, start: goneJourney.start }], handoffs: [] },
      new Date(Date.now() + 1000),
    );
    // The model without it: what the figures must now be.
    for (const customer of model.customers) customer.journeys = customer.journeys.filter((j) => j.journeyId !== goneJourney.journeyId);
    const params = { ...period, asOf, modelVersion: stitched.modelVersion };
    const summary = await summaryFromTables(clickhouse.client, params);
    expect(summary.journeys).toBe(expected.summary.journeys - 1);
    expect(summary).toStrictEqual(summarizeJourneys(model, period));
    expect(await teamsFromTables(clickhouse.client, params)).toStrictEqual(summarizeTeams(model, period));
    expect(await transitionsFromTables(clickhouse.client, params)).toStrictEqual(summarizeTransitions(model, period));
  });
});

describe('the tiny example under org maps with awkward names', () => {
  async function expectTeamsAsFromEvents(orgMap: OrgMap): Promise<string[][]> {
    await resetStore(clickhouse.client);
    const { modelVersion, events } = await stitch(clickhouse.client, tinyEvents(), orgMap);
    const params = { ...period, asOf, modelVersion };
    const teams = await teamsFromTables(clickhouse.client, params);
    expect(teams).toStrictEqual(computeTeams(events, orgMap, { ...params, ...WINDOWS }));
    expect(await transitionsFromTables(clickhouse.client, params)).toStrictEqual(computeTransitions(events, orgMap, { ...params, ...WINDOWS }));
    return teams.teams.map((row) => [row.team, row.silo]);
  }

  it('sorts teams by code unit, not by locale and not by UTF-8 bytes as ClickHouse does', async () => {
    // UTF-16 puts the astral emoji (a surrogate pair, 0xD83D...) before U+FF5E; UTF-8 bytes put it after.
    const orgMap = parseOrgMap(JSON.stringify({ queues: { Q1: { team: '～desk', silo: 'é' }, Q2: { team: '😀desk', silo: 'Z' } } }), 'org.json');
    expect(await expectTeamsAsFromEvents(orgMap)).toEqual([
      ['😀desk', 'Z'],
      ['～desk', 'é'],
    ]);
  });

  it('gives a team the org map puts in two silos its smallest silo', async () => {
    const orgMap = parseOrgMap(JSON.stringify({ queues: { Q1: { team: 't1', silo: 's9' }, Q2: { team: 't1', silo: 's1' } } }), 'org.json');
    expect(await expectTeamsAsFromEvents(orgMap)).toEqual([['t1', 's1']]);
  });
});
