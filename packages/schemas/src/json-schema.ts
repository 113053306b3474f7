import { z } from 'zod';
import { canonicalEventV1 } from './event.ts';

/** The JSON Schema (draft 2020-12) of the canonical event v1, as checked in under schemas/. */
export function canonicalEventJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(canonicalEventV1, { target: 'draft-2020-12', io: 'input' });
}

export const CANONICAL_EVENT_SCHEMA_FILE = 'schemas/canonical-event.v1.json';
