import type { CanonicalEventInput } from '@seamline/schemas';
import type { z } from 'zod';

/**
 * What an adapter makes of one source payload: the canonical events it describes, or why it
 * cannot be turned into any. The caller validates the events (validateCanonicalEvent) and keeps
 * the whole payload as a dead letter when any part fails, so a payload is either accepted or
 * dead-lettered, never both.
 */
export type Translation =
  | { ok: true; events: CanonicalEventInput[] }
  | { ok: false; reason: string; path: string };

/** A source adapter: pure, no I/O, never throws on any input. */
export interface SourceAdapter<Options = void> {
  /** The source name used in canonical events and dead letters. */
  readonly source: string;
  translate(payload: unknown, options: Options): Translation;
}

/** Attribute that carries when the source last updated the record an event came from. */
export const SOURCE_UPDATED_AT = 'sourceUpdatedAt';

export const rejected = (reason: string, path = ''): Translation => ({ ok: false, reason, path });

/** The first zod issue as a rejection whose path points into the whole payload. */
export function zodRejection(error: z.ZodError, at: readonly (string | number)[] = []): Translation {
  const issue = error.issues[0];
  const path = [...at, ...(issue?.path ?? [])].map(String).join('.');
  const message = issue?.message ?? 'invalid';
  return rejected(path ? `${path}: ${message}` : message, path);
}

export const pathText = (at: readonly (string | number)[]): string => at.map(String).join('.');
