import { validateCanonicalEvent } from '@seamline/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Translation } from '../adapter.ts';
import { STRIPE_FIXTURE_NAMES, stripeFixture } from './test-fixtures.ts';
import { stripeAdapter } from './translate.ts';

// 10,000 cases each with `npm run test:faults`.
const RUNS = { numRuns: process.env.SEAMLINE_FAULTS === 'full' ? 10_000 : 1_000 };

/** Exactly one outcome: a list of events, or a reason and a path; never both, never neither. */
function expectOneOutcome(translation: Translation): void {
  if (translation.ok) {
    expect(Array.isArray(translation.events)).toBe(true);
    expect(Object.keys(translation).sort()).toEqual(['events', 'ok']);
  } else {
    expect(translation.reason).toMatch(/\S/);
    expect(typeof translation.path).toBe('string');
    expect(Object.keys(translation).sort()).toEqual(['ok', 'path', 'reason']);
  }
}

type Json = unknown;
type Mutation = { kind: 'remove' } | { kind: 'replace'; value: Json };

/** Every path to a value inside a JSON document, the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, index): [number, Json] => [index, item])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function mutate(document: Json, path: (string | number)[], mutation: Mutation): void {
  let parent = document as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (mutation.kind === 'remove') delete parent[last];
  else parent[last] = mutation.value;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ kind: 'remove' }),
  fc.jsonValue().map((value): Mutation => ({ kind: 'replace', value })),
  // wrong types for the usual suspects: ids as numbers, amounts as strings, objects as arrays
  fc.constantFrom<Json>(0, -1, 1.5, '', ' ', 'x', true, null, [], {}, '1772359200').map(
    (value): Mutation => ({ kind: 'replace', value }),
  ),
);

/** A fixture with one to three fields removed or replaced. */
const mutatedFixtureArb = fc
  .tuple(fc.constantFrom(...STRIPE_FIXTURE_NAMES), fc.array(fc.tuple(fc.nat(), mutationArb), { minLength: 1, maxLength: 3 }))
  .map(([name, mutations]) => {
    const document = stripeFixture(name);
    for (const [pick, mutation] of mutations) {
      const paths = pathsOf(document);
      const path = paths[pick % Math.max(paths.length, 1)];
      if (path) mutate(document, path, mutation);
    }
    return document;
  });

describe('stripe adapter properties', () => {
  it('never throws on random JSON and always gives exactly one outcome', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => expectOneOutcome(stripeAdapter.translate(payload))),
      RUNS,
    );
  });

  it('never throws on arbitrary JavaScript values', () => {
    fc.assert(
      fc.property(fc.anything(), (payload) => expectOneOutcome(stripeAdapter.translate(payload))),
      RUNS,
    );
  });

  it('never throws on fixtures with fields removed, replaced or of the wrong type, and gives stable ids', () => {
    fc.assert(
      fc.property(mutatedFixtureArb, (payload) => {
        const translation = stripeAdapter.translate(payload);
        expectOneOutcome(translation);
        expect(stripeAdapter.translate(structuredClone(payload))).toEqual(translation);
      }),
      RUNS,
    );
  });

  it('only ever accepts events that pass canonical validation', () => {
    fc.assert(
      fc.property(mutatedFixtureArb, (payload) => {
        const translation = stripeAdapter.translate(payload);
        for (const event of translation.ok ? translation.events : []) {
          const validation = validateCanonicalEvent(event);
          expect(validation.ok, JSON.stringify(validation)).toBe(true);
          expect(event.id.startsWith('stripe-') && event.id.length <= 200).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
