import { randomUUID } from 'node:crypto';
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
