import { COUNT_NAMES, COUNTED, NO_COUNTS as NO_JOURNEY_COUNTS } from '@seamline/journeys';
import { describe, expect, it } from 'vitest';
import { branchCredits, countsOf, FIGURES, NO_COUNTS, ROLE } from './metric-rows.ts';

describe('the SQL branches of the credited rows', () => {
  it('credit each count only in a branch of the unit COUNTED says it counts', () => {
    for (const branch of branchCredits()) {
      for (const name of branch.counts) expect({ role: branch.role, name, unit: COUNTED[name] }).toEqual({ role: branch.role, name, unit: branch.unit });
    }
  });

  it('credit every count in some branch that tallies the summary', () => {
    const tallied = new Set(branchCredits().filter((branch) => branch.role !== ROLE.handoff).flatMap((branch) => branch.counts));
    expect([...tallied].sort()).toEqual([...COUNT_NAMES].sort());
  });

  it('name one column per count, in the order of the counts', () => {
    expect(FIGURES).toEqual(['contacts', 'repeat_contacts', 'transfers', 'cross_silo_transfers', 'mature_contacts', 'fcr_contacts', 'journeys', 'journey_contacts', 'cross_silo_journeys', 'billing_triggered_journeys', 'bounces', 'cross_silo_bounces']);
    expect(countsOf(NO_COUNTS)).toEqual(NO_JOURNEY_COUNTS);
    expect(countsOf({ ...NO_COUNTS, fcr_contacts: 3 }).fcrContacts).toBe(3);
  });
});
