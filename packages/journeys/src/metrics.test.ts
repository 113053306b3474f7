import type { CanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { computeSummary, computeTeams, computeTransitions, type MetricParams } from './metrics.ts';
import { ORG_MAP, at, callStarted, callTransferred, ticketCreated } from './test-events.ts';

const params: MetricParams = {
  from: new Date('2026-03-01T00:00:00Z'),
  to: new Date('2026-04-01T00:00:00Z'),
  asOf: new Date('2026-05-01T00:00:00Z'),
};

/**
 * One customer: a call that starts in t1 and is transferred to t2 (silo s2), then a ticket two
 * days later in t1b (silo s1): a cross-silo transfer, a cross-silo bounce t2 -> t1b.
 */
const journey: CanonicalEvent[] = [
  callStarted({ id: 'c', occurredAt: at('2026-03-10T10:00'), queue: 'Q1' }),
  callTransferred({ id: 'c-t', occurredAt: at('2026-03-10T10:05'), contactId: 'c', queue: 'Q2' }),
  ticketCreated({ id: 'k', occurredAt: at('2026-03-12T10:00'), queue: 'Q1b' }),
];

describe('the summary', () => {
  it('gives null, never 0 or NaN, for every rate of an empty period', () => {
    const summary = computeSummary([], ORG_MAP, params);
    expect(summary).toMatchObject({ contacts: 0, journeys: 0, matureContacts: 0, transfers: 0, bounces: 0 });
    for (const rate of ['repeatRate', 'fcrRate', 'contactsPerJourney', 'crossSiloJourneyRate', 'billingTriggeredRate']) {
      expect(summary[rate as keyof typeof summary]).toBeNull();
    }
  });

  it('rounds rates to 6 decimals', () => {
    const events = [0, 1, 2].map((day) =>
      ticketCreated({ id: `k${day}`, occurredAt: at(`2026-03-1${day}T10:00`), customer: { email: `${day}@x.com` } }),
    );
    const withRepeat = [...events, ticketCreated({ id: 'k3', occurredAt: at('2026-03-10T11:00'), customer: { email: '0@x.com' } })];
    expect(computeSummary(withRepeat, ORG_MAP, params).contactsPerJourney).toBe(1.333333);
  });

  it('counts contacts, transfers and bounces of the period and attributes them to the first team', () => {
    expect(computeSummary(journey, ORG_MAP, params)).toMatchObject({
      contacts: 2,
      repeatContacts: 1,
      journeys: 1,
      contactsPerJourney: 2,
      crossSiloJourneys: 1,
      transfers: 1,
      crossSiloTransfers: 1,
      bounces: 1,
      crossSiloBounces: 1,
    });
  });

  it('counts every contact of a journey in contactsPerJourney, also those after the period', () => {
    const summary = computeSummary(journey, ORG_MAP, { ...params, to: new Date('2026-03-11T00:00:00Z') });
    expect(summary).toMatchObject({ contacts: 1, journeys: 1, contactsPerJourney: 2, bounces: 0, transfers: 1 });
  });

  it('counts a bounce only when its later contact is counted', () => {
    const summary = computeSummary(journey, ORG_MAP, { ...params, from: new Date('2026-03-11T00:00:00Z') });
    expect(summary).toMatchObject({ contacts: 1, journeys: 0, transfers: 0, bounces: 1 });
  });

  it('ignores events at or after asOf', () => {
    const summary = computeSummary(journey, ORG_MAP, { ...params, asOf: new Date('2026-03-12T10:00:00Z') });
    expect(summary).toMatchObject({ contacts: 1, repeatContacts: 0, matureContacts: 0, fcrRate: null, bounces: 0 });
  });

  it('scopes contacts by first team and FCR by final team', () => {
    const call = journey.slice(0, 2);
    expect(computeSummary(call, ORG_MAP, { ...params, scope: { team: 't1' } })).toMatchObject({
      contacts: 1,
      transfers: 1,
      journeys: 1,
      matureContacts: 0,
      fcrRate: null,
    });
    expect(computeSummary(call, ORG_MAP, { ...params, scope: { team: 't2' } })).toMatchObject({
      contacts: 0,
      repeatRate: null,
      journeys: 0,
      matureContacts: 1,
      fcrContacts: 1,
      fcrRate: 1,
    });
  });

  it('scopes by silo, and by team and silo together', () => {
    expect(computeSummary(journey, ORG_MAP, { ...params, scope: { silo: 's1' } })).toMatchObject({
      scope: { silo: 's1' },
      contacts: 2,
      matureContacts: 1,
      bounces: 1,
    });
    expect(computeSummary(journey, ORG_MAP, { ...params, scope: { team: 't1', silo: 's2' } })).toMatchObject({
      scope: { team: 't1', silo: 's2' },
      contacts: 0,
    });
  });
});

describe('the team rows', () => {
  it('list every team credited with a figure, sorted, each with its silo and scoped summary', () => {
    const { teams } = computeTeams(journey, ORG_MAP, params);
    expect(teams.map((row) => [row.team, row.silo, row.contacts, row.matureContacts])).toEqual([
      ['t1', 's1', 1, 0],
      ['t1b', 's1', 1, 1],
      ['t2', 's2', 0, 1],
    ]);
    expect(teams[0]?.scope).toEqual({ team: 't1' });
  });

  it('keep only the teams within a silo scope', () => {
    const { teams } = computeTeams(journey, ORG_MAP, { ...params, scope: { silo: 's2' } });
    expect(teams.map((row) => [row.team, row.scope])).toEqual([['t2', { silo: 's2', team: 't2' }]]);
  });
});

describe('the transitions', () => {
  it('count the handoffs of the summary per silo pair and per team pair, sorted', () => {
    expect(computeTransitions(journey, ORG_MAP, params)).toEqual({
      silos: [
        { fromSilo: 's1', toSilo: 's2', count: 1 },
        { fromSilo: 's2', toSilo: 's1', count: 1 },
      ],
      teams: [
        { fromTeam: 't1', toTeam: 't2', count: 1 },
        { fromTeam: 't2', toTeam: 't1b', count: 1 },
      ],
    });
  });

  it('follow the scope of the summary', () => {
    expect(computeTransitions(journey, ORG_MAP, { ...params, scope: { team: 't1b' } })).toEqual({
      silos: [{ fromSilo: 's2', toSilo: 's1', count: 1 }],
      teams: [{ fromTeam: 't2', toTeam: 't1b', count: 1 }],
    });
  });
});
