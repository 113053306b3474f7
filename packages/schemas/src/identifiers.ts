import type { CustomerIdentifiers } from './event.ts';

export type IdentifierKind = keyof CustomerIdentifiers;
export const IDENTIFIER_KINDS: readonly IdentifierKind[] = ['email', 'phone', 'billingId', 'crmId', 'sourceId'];

/** Values that never identify anyone (the over-merging guard, docs/events.md). Compared after normalisation, lower-cased. */
export const DEFAULT_BLOCKED_VALUES: readonly string[] = ['anonymous', 'unknown', 'n/a'];

export interface DroppedIdentifier {
  kind: IdentifierKind;
  value: string;
  why: string;
}

export interface NormalisedIdentifiers {
  identifiers: CustomerIdentifiers;
  dropped: DroppedIdentifier[];
}

const E164 = /^\+\d{8,15}$/;
/** "<source>:<kind>:<value>": source and kind as source names are written, a value without spaces. */
const SOURCE_ID = /^([a-z][a-z0-9_.-]{0,63}):([a-z][a-z0-9_.-]{0,63}):(\S+)$/;
const ZEROS_ONLY = /^\+0+$/;

/** One identifier normalised as docs/events.md says, or why it cannot be used. */
export function normaliseIdentifier(kind: IdentifierKind, raw: string): { value: string } | { why: string } {
  switch (kind) {
    case 'email': {
      const value = raw.trim().toLowerCase();
      return value.length > 0 ? { value } : { why: 'empty after trimming' };
    }
    case 'phone': {
      const value = raw.replace(/[\s\-.()]/g, '');
      if (!E164.test(value)) return { why: 'must be "+" and 8 to 15 digits (E.164)' };
      if (ZEROS_ONLY.test(value)) return { why: 'blocked value (zeros only)' };
      return { value };
    }
    case 'billingId':
    case 'crmId': {
      const value = raw.trim();
      return value.length > 0 ? { value } : { why: 'empty after trimming' };
    }
    case 'sourceId': {
      const trimmed = raw.trim();
      const colon = trimmed.indexOf(':', trimmed.indexOf(':') + 1);
      // The source and the kind are names, compared lower-cased; the value is the source's own.
      const value = colon < 0 ? trimmed : trimmed.slice(0, colon).toLowerCase() + trimmed.slice(colon);
      return SOURCE_ID.test(value) ? { value } : { why: 'must be "<source>:<kind>:<value>", e.g. "zendesk:user:5158"' };
    }
  }
}

/** Normalises each identifier as docs/events.md says; invalid or blocked ones are dropped and reported. */
export function normaliseIdentifiers(
  customer: CustomerIdentifiers,
  blocked: readonly string[] = DEFAULT_BLOCKED_VALUES,
): NormalisedIdentifiers {
  const identifiers: CustomerIdentifiers = {};
  const dropped: DroppedIdentifier[] = [];
  const blockedSet = new Set(blocked.map((b) => b.trim().toLowerCase()));
  for (const kind of IDENTIFIER_KINDS) {
    const raw = customer[kind];
    if (raw === undefined) continue;
    const result = normaliseIdentifier(kind, raw);
    if ('why' in result) {
      dropped.push({ kind, value: raw, why: result.why });
    } else if (blockedSet.has(result.value.toLowerCase())) {
      dropped.push({ kind, value: raw, why: 'blocked value' });
    } else {
      identifiers[kind] = result.value;
    }
  }
  return { identifiers, dropped };
}

/** The identifier used as the Kafka key and in the identity graph: "kind:value". */
export function identifierKey(kind: IdentifierKind, value: string): string {
  return `${kind}:${value}`;
}

export function identifierKeys(identifiers: CustomerIdentifiers): string[] {
  const keys: string[] = [];
  for (const kind of IDENTIFIER_KINDS) {
    const value = identifiers[kind];
    if (value !== undefined) keys.push(identifierKey(kind, value));
  }
  return keys;
}
