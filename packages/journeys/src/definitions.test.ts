import { describe, expect, it } from 'vitest';
import {
  COUNT_NAMES,
  COUNTED,
  CREDITED_TEAM,
  figuresOf,
  isBounce,
  isMature,
  isRepeat,
  isResolvedAtFirstContact,
  NO_COUNTS,
  RATES,
  triggersJourney,
  type CountName,
} from './definitions.ts';
import { computeTeams, type MetricParams } from './metrics.ts';
import { summarySchema } from './summary-schema.ts';
import { ORG_MAP, at, callStarted, callTransferred, paymentFailed, ticketCreated } from './test-events.ts';

const HOUR = 3_600_000;
const W = 7 * 24 * HOUR;

describe('the rules at their edges (docs/metrics.md)', () => {
  it('makes a contact a repeat when the previous one starts exactly W before it, not 1 ms earlier', () => {
    expect(isRepeat(0, W, W)).toBe(true);
    expect(isRepeat(0, W + 1, W)).toBe(false);
    expect(isRepeat(undefined, W, W)).toBe(false);
  });

  it('resolves a contact at first contact exactly when its next contact is no repeat of it', () => {
    for (const next of [W - 1, W, W + 1]) expect(isResolvedAtFirstContact(0, next, W)).toBe(!isRepeat(0, next, W));
    expect(isResolvedAtFirstContact(0, undefined, W)).toBe(true);
  });

  it('matures a contact at start + W, included', () => {
    expect(isMature(0, W, W)).toBe(true);
    expect(isMature(0, W, W - 1)).toBe(false);
  });

  it('counts a bounce only into a repeat contact whose first team differs from the previous final team', () => {
    expect(isBounce(true, 't1', 't2')).toBe(true);
    expect(isBounce(true, 't1', 't1')).toBe(false);
    expect(isBounce(false, 't1', 't2')).toBe(false);
  });

  it('lets billing trigger a journey that starts in (b, b + B]: not at b, yes at b + B', () => {
    const B = 72 * HOUR;
    expect(triggersJourney(0, 0, B)).toBe(false);
    expect(triggersJourney(0, 1, B)).toBe(true);
    expect(triggersJourney(0, B, B)).toBe(true);
    expect(triggersJourney(0, B + 1, B)).toBe(false);
  });
});

describe('the figures of the summary', () => {
  it("are exactly the summary contract's figures, in its order", () => {
    const contract = Object.keys(summarySchema.shape).filter((key) => !['from', 'to', 'asOf', 'scope'].includes(key));
    expect(Object.keys(figuresOf(NO_COUNTS))).toEqual(contract);
  });

  it("divide each rate's numerator by its denominator, and give null over zero", () => {
    const counts = Object.fromEntries(COUNT_NAMES.map((name, i) => [name, i + 1])) as Record<CountName, number>;
    const figures = figuresOf(counts);
    for (const [rate, [numerator, denominator]] of Object.entries(RATES)) {
      expect(figures[rate as keyof typeof RATES]).toBeCloseTo(counts[numerator] / counts[denominator], 6);
      expect(figuresOf({ ...counts, [denominator]: 0 })[rate as keyof typeof RATES]).toBeNull();
    }
  });
});

describe('attribution', () => {
  // A call that starts in t1 and is transferred to t2, then two days later a ticket in t1b: one
  // journey (of t1), a transfer t1 -> t2 and a bounce t2 -> t1b. The call is not resolved at
  // first contact; its final team is t2. A failed payment an hour before triggers the journey.
  const events = [
    paymentFailed({ id: 'b', occurredAt: at('2026-03-10T09:00') }),
    callStarted({ id: 'c', occurredAt: at('2026-03-10T10:00'), queue: 'Q1' }),
    callTransferred({ id: 'c-t', occurredAt: at('2026-03-10T10:05'), contactId: 'c', queue: 'Q2' }),
    ticketCreated({ id: 'k', occurredAt: at('2026-03-12T10:00'), queue: 'Q1b' }),
  ];
  const params: MetricParams = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z'), asOf: new Date('2026-05-01T00:00:00Z') };
  // The team each unit of this example is credited to, by the rule's side: first or final team.
  const teamOf = {
    contact: { c: { firstTeam: 't1', finalTeam: 't2' }, k: { firstTeam: 't1b', finalTeam: 't1b' } },
    journey: { firstTeam: 't1' },
  };
  const counted = {
    contact: { c: { contacts: 1, transfers: 1, crossSiloTransfers: 1 }, k: { contacts: 1, repeatContacts: 1, bounces: 1, crossSiloBounces: 1 } },
    matureContact: { c: { matureContacts: 1 }, k: { matureContacts: 1, fcrContacts: 1 } },
    journey: { journeys: 1, crossSiloJourneys: 1, billingTriggeredJourneys: 1 },
  };

  it('credits every figure to the team CREDITED_TEAM names for what COUNTED says it counts', () => {
    const expected = new Map<string, Partial<Record<CountName, number>>>();
    const credit = (team: string, counts: Partial<Record<CountName, number>>) => {
      const kept = expected.get(team) ?? {};
      for (const [name, n] of Object.entries(counts) as [CountName, number][]) kept[name] = (kept[name] ?? 0) + n;
      expected.set(team, kept);
    };
    for (const id of ['c', 'k'] as const) {
      credit(teamOf.contact[id][CREDITED_TEAM.contact], counted.contact[id]);
      credit(teamOf.contact[id][CREDITED_TEAM.matureContact], counted.matureContact[id]);
    }
    credit(teamOf.journey[CREDITED_TEAM.journey], counted.journey);
    for (const [unit, counts] of [['contact', { ...counted.contact.c, ...counted.contact.k }], ['matureContact', counted.matureContact.k], ['journey', counted.journey]] as const) {
      for (const name of Object.keys(counts) as CountName[]) expect(COUNTED[name]).toBe(unit);
    }

    const { teams } = computeTeams(events, ORG_MAP, params);
    expect(teams.map((row) => row.team).sort()).toEqual([...expected.keys()].sort());
    for (const row of teams) {
      const want = expected.get(row.team)!;
      for (const name of COUNT_NAMES.filter((n) => n !== 'journeyContacts')) {
        expect({ team: row.team, name, count: row[name as Exclude<CountName, 'journeyContacts'>] }).toEqual({ team: row.team, name, count: want[name] ?? 0 });
      }
    }
    // With the rules as written: the call's first team t1, its final team t2 (mature), t1b both.
    expect(teams.find((row) => row.team === 't2')).toMatchObject({ contacts: 0, matureContacts: 1, fcrContacts: 0 });
  });
});
