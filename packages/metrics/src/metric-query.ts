import { z } from 'zod';
import { instantOf, isDate, isTimeZone } from './time-zone.ts';

const instantOrDate = (example: string) =>
  z.string().refine((value) => isDate(value) || z.iso.datetime({ offset: true }).safeParse(value).success, {
    message: `must be an ISO 8601 date-time, e.g. ${example}, or a date (YYYY-MM-DD: local midnight in tz)`,
  });

/**
 * The query of every metric endpoint and CLI command (README "The command line" and the OpenAPI document), dates (YYYY-MM-DD) read as
 * local midnight in `tz`, else in `zone` (the organisation's SEAMLINE_TIME_ZONE). What it gives
 * holds instants only.
 */
export function metricQueryIn(zone: string) {
  return z
    .object({
      from: instantOrDate('2026-03-01T00:00:00Z'),
      to: instantOrDate('2026-04-01T00:00:00Z'),
      asOf: instantOrDate('2026-04-01T00:00:00Z').optional(),
      tz: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin, or UTC').optional(),
      team: z.string().min(1).max(200).optional(),
      silo: z.string().min(1).max(200).optional(),
    })
    .transform(({ tz, ...query }) => {
      const local = tz ?? zone;
      return { ...query, from: instantOf(query.from, local), to: instantOf(query.to, local), ...(query.asOf !== undefined && { asOf: instantOf(query.asOf, local) }) };
    })
    .refine((q) => !(q.team && q.silo), { message: 'give team or silo, not both', path: ['team'] })
    .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });
}

/** The query with dates read in UTC. */
export const metricQuery = metricQueryIn('UTC');
export type MetricQuery = z.output<typeof metricQuery>;
