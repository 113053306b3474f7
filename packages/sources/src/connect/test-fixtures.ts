import { loadSourceFixture } from '../testing/fixture-mutations.ts';

export { eventsOf, mutate, mutationsArb, type Mutation } from '../testing/fixture-mutations.ts';

// Test support: the Connect fixtures.

export type FixtureName = 'three-leg-call' | 'outbound-call' | 'callback';

export const loadFixture = (name: FixtureName): unknown => loadSourceFixture('connect', name);
