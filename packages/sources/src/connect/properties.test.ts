import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SOURCE_UPDATED_AT, type Translation } from '../adapter.ts';
import { connectAdapter } from './index.ts';
import { expectOutcomeOf } from '../testing/outcomes.ts';
import { loadFixture, mutate, mutationsArb, type FixtureName } from './test-fixtures.ts';

// 10,000 cases each with `npm run test:faults`.
const RUNS = { numRuns: process.env.SEAMLINE_FAULTS === 'full' ? 10_000 : 1_000 };
const FIXTURES: FixtureName[] = ['three-leg-call', 'outbound-call', 'callback'];
const fixtures = FIXTURES.map(loadFixture);

/** Exactly one of accepted or rejected; accepted events are connect's, each with sourceUpdatedAt. */
function expectOneOutcome(translation: Translation): void {
  expectOutcomeOf(translation, /^connect-.+-(started|transferred|ended)$/, (event) => expect(event.attributes?.[SOURCE_UPDATED_AT]).toMatch(/^\d{4}-\d\d-\d\dT/));
}

describe('connectAdapter on any input', () => {
  it('never throws on random values and always answers accepted or rejected', () => {
    fc.assert(fc.property(fc.anything(), (payload) => expectOneOutcome(connectAdapter.translate(payload))), RUNS);
  });

  it('never throws on random JSON in a Kinesis batch, plain or base64', () => {
    const entry = fc.oneof(
      fc.jsonValue(),
      fc.jsonValue().map((value) => ({ kinesis: { data: Buffer.from(JSON.stringify(value) ?? '').toString('base64') } })),
      fc.string().map((data) => ({ kinesis: { data } })),
    );
    fc.assert(fc.property(fc.array(entry), (records) => expectOneOutcome(connectAdapter.translate({ Records: records }))), RUNS);
  });

  it('never throws on mutated fixtures, answers the same twice, and leaves the caller an all-or-nothing choice', () => {
    fc.assert(
      fc.property(fc.nat(FIXTURES.length - 1), mutationsArb, (which, mutations) => {
        const payload = mutate(fixtures[which], mutations);
        const translation = connectAdapter.translate(payload);
        expectOneOutcome(translation);
        expect(connectAdapter.translate(structuredClone(payload))).toEqual(translation);
      }),
      RUNS,
    );
  });

  it('gives the same events whatever the order of the records in a batch', () => {
    const records = loadFixture('three-leg-call') as unknown[];
    const expected = connectAdapter.translate(records);
    fc.assert(
      fc.property(fc.shuffledSubarray(records, { minLength: records.length }), (shuffled) => {
        expect(connectAdapter.translate(shuffled)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
