// Writes the canonical event's JSON Schema to <repo>/schemas/. Run: npm run build -w @seamline/schemas
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CANONICAL_EVENT_SCHEMA_FILE, canonicalEventJsonSchema } from '../src/json-schema.ts';

const target = fileURLToPath(new URL(`../../../${CANONICAL_EVENT_SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, `${JSON.stringify(canonicalEventJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
