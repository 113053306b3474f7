import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';

/** A dead letter: input that could not be accepted, kept whole with why (SPEC "Bad input"). */
export const deadLetter = z.object({
  id: z.string().default(() => randomUUID()),
  /** When the bytes arrived, ISO 8601 UTC. */
  receivedAt: z.string(),
  /** Where they came from: "http", "cli", a source adapter, or "kafka:<topic>". */
  source: z.string(),
  reason: z.string(),
  /** Path of the failing field ("" for the whole payload). */
  path: z.string(),
  /** The raw payload as received. */
  payload: z.string(),
});
export type DeadLetter = z.infer<typeof deadLetter>;

/**
 * The one way to make a dead letter. Its id is derived from the source and the bytes, so the
 * same input delivered again (a webhook retry, a re-import, a redelivered batch) is one letter.
 */
export function makeDeadLetter(source: string, payload: string, reason: string, path: string, receivedAt = new Date()): DeadLetter {
  const id = `dl-${createHash('sha256').update(source).update('\n').update(payload).digest('hex').slice(0, 32)}`;
  return { id, receivedAt: receivedAt.toISOString(), source, reason, path, payload };
}
