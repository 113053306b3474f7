import type { z } from 'zod';
import { rejected, type Translation } from '../adapter.ts';

/** The first zod issue as a rejection whose path points into the whole payload. */
export function zodRejection(error: z.ZodError, at: readonly (string | number)[]): Translation {
  const issue = error.issues[0];
  const path = [...at, ...(issue?.path ?? [])].map(String).join('.');
  const message = issue?.message ?? 'invalid';
  return rejected(path ? `${path}: ${message}` : message, path);
}

export const pathText = (at: readonly (string | number)[]): string => at.map(String).join('.');
