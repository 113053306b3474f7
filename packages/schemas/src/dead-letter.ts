import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';

/** A dead letter: input that could not be accepted, kept whole with why (README "Operations": dead letters). */
export const deadLetter = z.object({
  id: z.string().default(() => randomUUID()),
  /** When the bytes arrived, ISO 8601 UTC. */
  receivedAt: z.string(),
  /** Where they came from: "http", "cli", a source adapter, or "kafka:<topic>". */
  source: z.string(),
  reason: z.string(),
  /** Path of the failing field ("" for the whole payload). */
  path: z.string(),
  /** The raw payload as received (a very large one in part; see makeDeadLetter). */
  payload: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetter>;

/**
 * The most of a payload a dead letter keeps, measured as the JSON string it travels as: with
 * the other fields the letter stays under Kafka's default 1 MB message limit.
 */
export const MAX_DEAD_LETTER_PAYLOAD_BYTES = 900 * 1024;

const encodedBytes = (text: string) => Buffer.byteLength(JSON.stringify(text));

/** The longest start of `payload` whose JSON string fits in `bytes` (no half surrogate pair). */
function fittingStart(payload: string, bytes: number): string {
  let low = 0;
  let high = payload.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (encodedBytes(payload.slice(0, middle)) <= bytes) low = middle;
    else high = middle - 1;
  }
  const last = payload.charCodeAt(low - 1);
  return payload.slice(0, last >= 0xd800 && last <= 0xdbff ? low - 1 : low);
}

/**
 * The one way to make a dead letter. Its id is derived from the source and the bytes, so the
 * same input delivered again (a webhook retry, a re-import, a redelivered batch) is one letter.
 * A payload too large for a message is kept in part: its start, and in the reason its size.
 */
export function makeDeadLetter(source: string, payload: string, reason: string, path: string, receivedAt = new Date()): DeadLetter {
  const id = `dl-${createHash('sha256').update(source).update('\n').update(payload).digest('hex').slice(0, 32)}`;
  if (payload.length * 6 + 2 > MAX_DEAD_LETTER_PAYLOAD_BYTES && encodedBytes(payload) > MAX_DEAD_LETTER_PAYLOAD_BYTES) {
    const kept = fittingStart(payload, MAX_DEAD_LETTER_PAYLOAD_BYTES);
    const note = `payload of ${Buffer.byteLength(payload)} bytes, its first ${Buffer.byteLength(kept)} kept`;
    return { id, receivedAt: receivedAt.toISOString(), source, reason: `${reason} (${note})`, path, payload: kept };
  }
  return { id, receivedAt: receivedAt.toISOString(), source, reason, path, payload };
}
