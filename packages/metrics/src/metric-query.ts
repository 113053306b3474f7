import { z } from 'zod';

/** The query of every metric endpoint and CLI command (SPEC "Contract"). */
export const metricQuery = z
  .object({
    from: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z' }),
    to: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time, e.g. 2026-04-01T00:00:00Z' }),
    asOf: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
    team: z.string().min(1).max(200).optional(),
    silo: z.string().min(1).max(200).optional(),
  })
  .refine((q) => !(q.team && q.silo), { message: 'give team or silo, not both', path: ['team'] })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });
export type MetricQuery = z.infer<typeof metricQuery>;
