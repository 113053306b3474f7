import { validateCanonicalEvent, type CanonicalEventInput } from '@seamline/schemas';
import { expect } from 'vitest';
import type { Translation } from '../adapter.ts';

// Test support for the adapters' property tests: what every translation of any input must be.

/**
 * Exactly one of accepted or rejected. A rejection has a reason and a path; each accepted event
 * has an id matching `idPattern` of at most 200 characters, passes `expectEvent` (what the
 * adapter's events all carry), and validates or not without validation throwing.
 */
export function expectOutcomeOf(translation: Translation, idPattern: RegExp, expectEvent: (event: CanonicalEventInput) => void): void {
  expect(Object.keys(translation).sort()).toEqual(translation.ok ? ['events', 'ok'] : ['ok', 'path', 'reason']);
  if (!translation.ok) {
    expect(translation.reason).toMatch(/\S/);
    expect(typeof translation.path).toBe('string');
    return;
  }
  for (const event of translation.events) {
    expect(event.id).toMatch(idPattern);
    expect(event.id.length).toBeLessThanOrEqual(200);
    expectEvent(event);
    // each event validates or not, and validation never throws: the caller decides all-or-nothing
    expect(typeof validateCanonicalEvent(event).ok).toBe('boolean');
  }
}
