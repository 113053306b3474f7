import { CHANNELS, EVENT_TYPES, IDENTIFIER_MAX_LENGTH, SOURCE_PATTERN, type CanonicalEvent } from './event.ts';
import { DEFAULT_BLOCKED_VALUES, normaliseIdentifier, type IdentifierKind } from './identifiers.ts';

const TYPES = new Set<string>(EVENT_TYPES);
const CHANNEL_SET = new Set<string>(CHANNELS);
const EVENT_KEYS = new Set(['id', 'type', 'occurredAt', 'source', 'customer', 'contactId', 'queue', 'agent', 'channel', 'direction', 'reason', 'attributes']);
const UTC_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const text = (value: unknown, max: number): value is string => typeof value === 'string' && value.length >= 1 && value.length <= max;
const optionalText = (value: unknown, max: number) => value === undefined || text(value, max);

const blockedSets = new WeakMap<readonly string[], Set<string>>();
function blockedSet(blocked: readonly string[]): Set<string> {
  let set = blockedSets.get(blocked);
  if (!set) blockedSets.set(blocked, (set = new Set(blocked.map((b) => b.trim().toLowerCase()))));
  return set;
}

/**
 * The value itself when it is already a canonical event in the normal form validateCanonicalEvent
 * gives (UTC milliseconds, normalised identifiers, a direction, no unknown field): what ingest
 * produced. Anything else, undefined: the caller runs the full validator, which says what is wrong.
 * A few comparisons instead of a schema parse, for the stitcher, which reads events ingest checked.
 */
export function asNormalForm(raw: unknown, blockedIdentifiers: readonly string[] = DEFAULT_BLOCKED_VALUES): CanonicalEvent | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const e = raw as Record<string, unknown>;
  for (const key in e) if (!EVENT_KEYS.has(key)) return undefined;
  if (!text(e.id, 200) || typeof e.type !== 'string' || !TYPES.has(e.type)) return undefined;
  if (typeof e.occurredAt !== 'string' || !UTC_MS.test(e.occurredAt)) return undefined;
  const time = Date.parse(e.occurredAt);
  if (Number.isNaN(time) || new Date(time).toISOString() !== e.occurredAt) return undefined;
  if (typeof e.source !== 'string' || !SOURCE_PATTERN.test(e.source)) return undefined;
  if (typeof e.channel !== 'string' || !CHANNEL_SET.has(e.channel)) return undefined;
  if (e.direction !== 'inbound' && e.direction !== 'outbound') return undefined;
  if (e.contactId === undefined ? /^(ticket|call)\./.test(e.type) : !text(e.contactId, 200)) return undefined;
  if (!optionalText(e.queue, 200) || !optionalText(e.agent, 200) || !optionalText(e.reason, 200)) return undefined;
  if (!normalAttributes(e.attributes)) return undefined;
  return normalCustomer(e.customer, blockedSet(blockedIdentifiers)) ? (raw as CanonicalEvent) : undefined;
}

function normalCustomer(value: unknown, blocked: Set<string>): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const customer = value as Record<string, unknown>;
  let count = 0;
  for (const key in customer) {
    if (!Object.hasOwn(IDENTIFIER_MAX_LENGTH, key)) return false;
    const kind = key as IdentifierKind;
    const v = customer[kind];
    if (!text(v, IDENTIFIER_MAX_LENGTH[kind]) || blocked.has(v.toLowerCase())) return false;
    // Normal when normalising it changes nothing: the rule itself lives in identifiers.ts.
    const normalised = normaliseIdentifier(kind, v);
    if (!('value' in normalised) || normalised.value !== v) return false;
    count += 1;
  }
  return count > 0;
}

function normalAttributes(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  let count = 0;
  for (const key in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[key];
    if (key.length < 1 || key.length > 100 || typeof v !== 'string' || v.length > 2_000) return false;
    count += 1;
  }
  return count <= 50;
}
