import { validateCanonicalEvent } from '@seamline/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Translation } from '../adapter.ts';
import { zendeskAdapter, type ZendeskOptions } from './index.ts';
import { expectOutcomeOf } from '../testing/outcomes.ts';
import { GROUPS, loadFixture, mutate, mutationsArb, type FixtureName } from './test-fixtures.ts';

// 10,000 cases each with `npm run test:faults`.
const RUNS = { numRuns: process.env.SEAMLINE_FAULTS === 'full' ? 10_000 : 1_000 };
const FIXTURES: FixtureName[] = ['webhook-ticket-lifecycle', 'webhook-follow-up-created', 'ticket-audits-page'];
const fixtures = FIXTURES.map(loadFixture);

/** Exactly one of accepted or rejected; accepted events are zendesk's, with ids a store can key on. */
function expectOneOutcome(translation: Translation): void {
  expectOutcomeOf(translation, /^zendesk-ticket-\d+-/, (event) => expect(event.source).toBe('zendesk'));
}

describe('zendeskAdapter on any input', () => {
  it('never throws on random values and always answers accepted or rejected', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (payload, options) => {
        expectOneOutcome(zendeskAdapter.translate(payload, options as ZendeskOptions));
      }),
      RUNS,
    );
  });

  it('never throws on random JSON shaped like a webhook delivery', () => {
    const delivery = fc.record(
      {
        type: fc.constantFrom('zen:event-type:ticket.created', 'zen:event-type:ticket.status_changed', 'zen:event-type:ticket.group_assignment_changed'),
        id: fc.string(),
        time: fc.constantFrom('2026-03-02T09:00:00Z', 'yesterday'),
        detail: fc.jsonValue(),
        event: fc.jsonValue(),
        requester: fc.jsonValue(),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(fc.property(fc.oneof(delivery, fc.array(delivery)), (payload) => expectOneOutcome(zendeskAdapter.translate(payload, GROUPS))), RUNS);
  });

  it('never throws on mutated fixtures, answers the same twice, and leaves the caller an all-or-nothing choice', () => {
    fc.assert(
      fc.property(fc.nat(FIXTURES.length - 1), mutationsArb, (which, mutations) => {
        const payload = mutate(fixtures[which], mutations);
        const translation = zendeskAdapter.translate(payload, GROUPS);
        expectOneOutcome(translation);
        expect(zendeskAdapter.translate(structuredClone(payload), GROUPS)).toEqual(translation);
      }),
      RUNS,
    );
  });

  it('accepts every untouched fixture with events that all validate', () => {
    for (const fixture of fixtures) {
      const translation = zendeskAdapter.translate(fixture, GROUPS);
      expect(translation.ok && translation.events.length > 0 && translation.events.every((event) => validateCanonicalEvent(event).ok)).toBe(true);
    }
  });
});
