import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import type { Translation } from '../adapter.ts';

// Test support shared by the adapters' tests and the ingest tests: vendor fixtures, and
// mutations of them for property tests (a field dropped, replaced, or of another JSON type).

/** A fixture from packages/sources/fixtures/<source>/<name>.json, parsed afresh. */
export function loadSourceFixture(source: string, name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${source}/${name}.json`, import.meta.url), 'utf8')) as unknown;
}

export const eventsOf = (translation: Translation) => {
  if (!translation.ok) throw new Error(`expected events, got a rejection: ${translation.reason}`);
  return translation.events;
};

type Path = (string | number)[];
type Container = Record<string | number, unknown>;

function pathsIn(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    return [path, ...pathsIn(child, path)];
  });
}

/** The same value in another JSON type: what a producer with a type bug would send. */
function otherType(value: unknown): unknown {
  if (typeof value === 'string') return value.length;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 1 : 'false';
  if (Array.isArray(value)) return { length: value.length };
  if (value === null) return 0;
  return [value];
}

export interface Mutation {
  pick: number;
  kind: 'drop' | 'replace' | 'retype';
  value: unknown;
}

export const mutationsArb: fc.Arbitrary<Mutation[]> = fc.array(
  fc.record({
    pick: fc.nat(),
    kind: fc.constantFrom('drop' as const, 'replace' as const, 'retype' as const),
    value: fc.jsonValue({ maxDepth: 2 }),
  }),
  { minLength: 1, maxLength: 4 },
);

/** A copy of the fixture with each mutation applied at a field picked among all nested fields. */
export function mutate(fixture: unknown, mutations: readonly Mutation[]): unknown {
  const copy: unknown = structuredClone(fixture);
  for (const mutation of mutations) {
    const paths = pathsIn(copy);
    const path = paths[mutation.pick % Math.max(paths.length, 1)];
    if (path === undefined) break;
    const key = path[path.length - 1] as string | number;
    const parent = path.slice(0, -1).reduce<unknown>((node, step) => (node as Container)[step], copy) as Container;
    if (mutation.kind === 'drop' && Array.isArray(parent)) parent.splice(Number(key), 1);
    else if (mutation.kind === 'drop') delete parent[key];
    else parent[key] = mutation.kind === 'replace' ? mutation.value : otherType(parent[key]);
  }
  return copy;
}
