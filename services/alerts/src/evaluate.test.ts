import { describe, expect, it } from 'vitest';
import type { Summary } from '@seamline/journeys';
import type { MetricQuery } from '@seamline/metrics';
import { evaluateRules, isBreach, observe, scopeKey } from './evaluate.ts';
import type { AlertRule } from './rules.ts';

const DAY = 86_400_000;
const now = new Date('2026-03-09T00:00:00.000Z');

function summary(fields: Partial<Summary> = {}): Summary {
  return {
    from: '2026-03-02T00:00:00.000Z', to: now.toISOString(), asOf: now.toISOString(), scope: {},
    contacts: 10, repeatContacts: 4, repeatRate: 0.4, matureContacts: 0, fcrContacts: 0, fcrRate: null,
    journeys: 6, contactsPerJourney: 1.666667, crossSiloJourneys: 1, crossSiloJourneyRate: 0.166667,
    billingTriggeredJourneys: 0, billingTriggeredRate: 0, transfers: 2, crossSiloTransfers: 1, bounces: 1, crossSiloBounces: 0,
    ...fields,
  };
}

const rule = (fields: Partial<AlertRule> = {}): AlertRule => ({
  name: 'support repeats', metric: 'repeatRate', scope: { team: 'support-frontline' }, direction: 'above', threshold: 0.3,
  windowMs: 7 * DAY, minContacts: 0, webhook: { name: 'hook', url: 'http://127.0.0.1:1/hook' }, ...fields,
});

describe('evaluating a rule', () => {
  it('breaches above or below the threshold, never at it', () => {
    expect(isBreach({ direction: 'above', threshold: 0.3 }, 0.31)).toBe(true);
    expect(isBreach({ direction: 'above', threshold: 0.3 }, 0.3)).toBe(false);
    expect(isBreach({ direction: 'below', threshold: 0.7 }, 0.69)).toBe(true);
    expect(isBreach({ direction: 'below', threshold: 0.7 }, 0.7)).toBe(false);
  });

  it('reads the rule metric of the summary', () => {
    expect(observe(rule(), summary())).toEqual({ kind: 'value', value: 0.4, breached: true });
    expect(observe(rule({ metric: 'transfers', threshold: 5 }), summary())).toEqual({ kind: 'value', value: 2, breached: false });
  });

  it('reports insufficient data for a rate without denominator or too few contacts', () => {
    expect(observe(rule({ metric: 'fcrRate', direction: 'below', threshold: 0.7 }), summary())).toEqual({
      kind: 'insufficient',
      reason: 'insufficient data: fcrRate has no denominator',
    });
    expect(observe(rule({ minContacts: 20 }), summary())).toEqual({ kind: 'insufficient', reason: 'insufficient data: 10 contacts, the rule needs 20' });
  });

  it('counts mature contacts as the sample of an FCR rule', () => {
    const fcr = rule({ metric: 'fcrRate', direction: 'below', threshold: 0.7, minContacts: 5 });
    expect(observe(fcr, summary({ matureContacts: 4, fcrContacts: 1, fcrRate: 0.25 }))).toMatchObject({ kind: 'insufficient' });
    expect(observe(fcr, summary({ matureContacts: 8, fcrContacts: 2, fcrRate: 0.25 }))).toEqual({ kind: 'value', value: 0.25, breached: true });
  });

  it('asks for [now − window, now) as of now in the rule scope, and keys the state by scope', async () => {
    const queries: MetricQuery[] = [];
    const metrics = {
      summary: async (query: MetricQuery) => {
        queries.push(query);
        if (query.silo) throw new Error('ClickHouse is down');
        return summary();
      },
    };
    const evaluations = await evaluateRules([rule(), rule({ name: 'silo', scope: { silo: 'billing' } }), rule({ name: 'org', scope: {}, windowMs: DAY })], metrics, now);
    expect(queries).toEqual([
      { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z', asOf: '2026-03-09T00:00:00.000Z', team: 'support-frontline' },
      { from: '2026-03-02T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z', asOf: '2026-03-09T00:00:00.000Z', silo: 'billing' },
      { from: '2026-03-08T00:00:00.000Z', to: '2026-03-09T00:00:00.000Z', asOf: '2026-03-09T00:00:00.000Z' },
    ]);
    expect(evaluations.map((e) => [e.scopeKey, e.outcome.kind])).toEqual([
      ['team:support-frontline', 'value'],
      ['silo:billing', 'failed'],
      ['org', 'value'],
    ]);
    expect(scopeKey({})).toBe('org');
  });
});
