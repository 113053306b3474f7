import { makeDeadLetter, validateCanonicalEvent, type CanonicalEvent, type DeadLetter } from '@seamline/schemas';

/** What the caller is told about one item of a batch (accepted, duplicate or rejected with the reason). */
export type ItemResult =
  | { index: number; id: string; status: 'accepted' }
  | { index: number; id: string; status: 'duplicate' }
  | { index: number; id?: string; status: 'rejected'; reason: string; path: string };

export interface Intake {
  items: ItemResult[];
  events: CanonicalEvent[];
  deadLetters: DeadLetter[];
}

/** One element of a request: the parsed value, or the text that would not parse. */
export type RawItem = { value: unknown; text: string } | { parseError: string; text: string };

/**
 * Splits a body into items: a JSON array, a single JSON object, or NDJSON (one event per line).
 * A line that is not JSON is its own rejected item; the rest of the batch still counts.
 */
export function splitBody(body: string, ndjson: boolean): RawItem[] | { error: string } {
  if (!ndjson) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return { error: `body is not valid JSON: ${(error as Error).message}` };
    }
    const values = Array.isArray(parsed) ? parsed : [parsed];
    return values.map((value) => ({ value, text: JSON.stringify(value) }));
  }
  return body
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((text, lineIndex) => {
      try {
        return { value: JSON.parse(text) as unknown, text };
      } catch {
        return { parseError: `line ${lineIndex + 1}: not valid JSON`, text };
      }
    });
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && 'id' in value) {
    const id = (value as { id: unknown }).id;
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/**
 * Validates every item. Valid events are accepted once per id (a repeat within the batch is a
 * duplicate); invalid ones become dead letters carrying the raw text, the reason and the path.
 */
export interface IntakeOptions {
  receivedAt?: Date;
  /** Identifier values that never identify anyone (by default anonymous, unknown, n/a). */
  blockedIdentifiers?: readonly string[];
}

export function takeIn(rawItems: RawItem[], source: string, options: IntakeOptions = {}): Intake {
  const receivedAt = options.receivedAt ?? new Date();
  const intake: Intake = { items: [], events: [], deadLetters: [] };
  const seen = new Set<string>();
  rawItems.forEach((raw, index) => {
    const reject = (reason: string, path: string, id?: string) => {
      intake.items.push({ index, ...(id !== undefined && { id }), status: 'rejected', reason, path });
      intake.deadLetters.push(makeDeadLetter(source, raw.text, reason, path, receivedAt));
    };
    if ('parseError' in raw) return reject(raw.parseError, '');
    const validation = validateCanonicalEvent(raw.value, { blockedIdentifiers: options.blockedIdentifiers });
    if (!validation.ok) return reject(validation.rejection.reason, validation.rejection.path, idOf(raw.value));
    const { event } = validation;
    if (seen.has(event.id)) {
      intake.items.push({ index, id: event.id, status: 'duplicate' });
      return;
    }
    seen.add(event.id);
    intake.events.push(event);
    intake.items.push({ index, id: event.id, status: 'accepted' });
  });
  return intake;
}
