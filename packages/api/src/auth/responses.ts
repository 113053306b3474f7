import { z } from 'zod';

/** The body of every refusal: one sentence a person can act on. */
export const problemSchema = z.object({ error: z.string() });

/** Response schemas of a route behind the auth plugin: 401 (no or bad key), 403 (not for this key). */
export const accessResponses = { 401: problemSchema, 403: problemSchema } as const;
