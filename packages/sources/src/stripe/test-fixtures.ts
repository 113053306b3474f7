import { readdirSync, readFileSync } from 'node:fs';

const FIXTURES = new URL('../../fixtures/stripe/', import.meta.url);

/** A Stripe event from fixtures/stripe/<name>.json, parsed afresh so a test may mutate it. */
export function stripeFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as Record<string, unknown>;
}

export const STRIPE_FIXTURE_NAMES: readonly string[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length))
  .sort();
