import { readFileSync } from 'node:fs';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { describe, expect, it } from 'vitest';
import { computeSummary, computeTeams, computeTransitions } from './metrics.ts';
import { parseOrgMap } from './org-map.ts';
import { summarySchema, teamsSchema, transitionsSchema } from './summary-schema.ts';

const fixture = new URL('../../../test/fixtures/tiny/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixture), 'utf8');

function tinyEvents(): CanonicalEvent[] {
  return read('events.ndjson')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const validation = validateCanonicalEvent(JSON.parse(line));
      if (!validation.ok) throw new Error(validation.rejection.reason);
      return validation.event;
    });
}

const orgMap = parseOrgMap(read('org.json'), 'org.json');
const expected = JSON.parse(read('expected.json'));
const params = {
  from: new Date('2026-03-01T00:00:00Z'),
  to: new Date('2026-04-01T00:00:00Z'),
  asOf: new Date('2026-04-01T00:00:00Z'),
};

describe('the tiny example', () => {
  it('gives exactly the expected summary', () => {
    const summary = computeSummary(tinyEvents(), orgMap, params);
    expect(summary).toEqual(expected.summary);
    expect(summarySchema.parse(summary)).toEqual(summary);
  });

  it('gives exactly the expected transitions', () => {
    const transitions = computeTransitions(tinyEvents(), orgMap, params);
    expect(transitions).toEqual(expected.transitions);
    expect(transitionsSchema.parse(transitions)).toEqual(transitions);
  });

  it('gives one row per team, each equal to the summary scoped to that team', () => {
    const { teams } = teamsSchema.parse(computeTeams(tinyEvents(), orgMap, params));
    expect(teams.map((row) => [row.team, row.silo])).toEqual([
      ['t1', 's1'],
      ['t2', 's2'],
    ]);
    for (const { team, silo: _silo, ...row } of teams) {
      expect(row).toEqual(computeSummary(tinyEvents(), orgMap, { ...params, scope: { team } }));
    }
  });
});
