import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CANONICAL_EVENT_SCHEMA_FILE, canonicalEventJsonSchema } from './json-schema.ts';

describe('the checked-in JSON Schema', () => {
  it('matches the zod schema it is generated from (run `npm run build -w @seamline/schemas` when this fails)', () => {
    const file = fileURLToPath(new URL(`../../../${CANONICAL_EVENT_SCHEMA_FILE}`, import.meta.url));
    const checkedIn = JSON.parse(readFileSync(file, 'utf8'));
    expect(checkedIn).toEqual(canonicalEventJsonSchema());
  });

  it('lists every event type and requires the fields the canonical event requires', () => {
    const schema = canonicalEventJsonSchema() as { required: string[]; properties: { type: { enum: string[] } } };
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'occurredAt', 'source', 'customer', 'channel']));
    expect(schema.properties.type.enum).toHaveLength(15);
  });
});
