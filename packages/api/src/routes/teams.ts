import type { ClickHouseClient } from '@clickhouse/client';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readRepeatReasons, readTeamJourneys } from '@seamline/clickhouse';
import { byCodeUnit, ratio, summarySchema } from '@seamline/journeys';
import { calendarIntervals, metricQueryIn, type MetricSource, type MetricsService } from '@seamline/metrics';
import { z } from 'zod';
import { checkScope } from '../auth/principal.ts';
import { problemResponses } from '../openapi.ts';
import { SOURCE_HEADER } from './metrics.ts';

// A front-line leader's view of one team: how its figures move, why its customers come back,
// and which journeys to review first.

export interface TeamRoutesOptions {
  clickhouse: ClickHouseClient;
  /** The trend's figures: as the summary gives them, from the tables or, until they hold the model in force, from the events. */
  metrics: MetricsService;
  /** The organisation's time zone (SEAMLINE_TIME_ZONE): where days and weeks start unless tz says. */
  timeZone?: string;
}

/** Most points one trend request may ask for: a bit more than a year of days. */
export const MAX_TREND_POINTS = 400;
/** The reason of contacts whose start event gave none. */
export const NO_REASON = '(none)';

export const teamParams = z.object({ team: z.string().min(1).max(200).describe('a team of the org map, e.g. billing-t1') });

/**
 * A team route's query: from, to and asOf as the metric endpoints take them (dates are local
 * midnight in tz, else in the organisation's zone), tz, and the route's own parameters.
 */
function periodQueryIn<Extra extends z.ZodRawShape>(zone: string, extra: Extra) {
  return z
    .object({
      from: z.string(),
      to: z.string(),
      asOf: z.string().optional(),
      tz: z.string().optional().describe('IANA time zone of dates without a time, and of local days and weeks (default SEAMLINE_TIME_ZONE)'),
      ...extra,
    })
    .transform((query, context) => {
      const { from, to, asOf, tz, ...own } = query as { from: string; to: string; asOf?: string; tz?: string } & Record<string, unknown>;
      const parsed = metricQueryIn(zone).safeParse({ from, to, asOf, tz });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) context.addIssue({ ...issue, code: 'custom', message: issue.message });
        return z.NEVER;
      }
      return { ...parsed.data, ...(own as z.output<z.ZodObject<Extra>>), tz: tz ?? zone };
    });
}

/** The trend's query: the period, asOf and tz, and the interval. */
export const trendQueryIn = (zone: string) =>
  periodQueryIn(zone, { interval: z.enum(['day', 'week']).default('day').describe('local days, or weeks starting local Monday 00:00') });

/** One interval's summary scoped to the team: the figures of docs/metrics.md, as /v1/metrics/summary gives them. */
export const trendPointSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  ...summarySchema.omit({ from: true, to: true, asOf: true, scope: true }).shape,
});
export type TrendPoint = z.infer<typeof trendPointSchema>;

export const trendSchema = z.object({ team: z.string(), interval: z.enum(['day', 'week']), points: z.array(trendPointSchema) });

export const repeatReasonsQueryIn = (zone: string) => periodQueryIn(zone, { limit: z.coerce.number().int().min(1).max(100).default(10) });

export const repeatReasonsSchema = z.object({
  team: z.string(),
  reasons: z.array(
    z.object({
      reason: z.string().describe('the contact reason, "(none)" when the contact gave none'),
      contacts: z.number().int().nonnegative(),
      repeats: z.number().int().nonnegative().describe('contacts a repeat contact followed (not resolved at first contact)'),
      repeatShare: z.number().nonnegative().describe('repeats / contacts, rounded to 6 decimals'),
    }),
  ),
});

export const teamJourneysQueryIn = (zone: string) =>
  periodQueryIn(zone, {
    sort: z.enum(['contacts', 'handoffs']).default('contacts').describe('worst first: most contacts, or most handoffs'),
    limit: z.coerce.number().int().min(1).max(200).default(20),
  });

export const teamJourneysSchema = z.object({
  team: z.string(),
  journeys: z.array(
    z.object({
      journeyId: z.string(),
      customerId: z.string(),
      start: z.iso.datetime(),
      contacts: z.number().int().nonnegative(),
      handoffs: z.number().int().nonnegative(),
      crossSilo: z.boolean(),
      billingTriggerType: z.string().nullable(),
    }),
  ),
});

/** GET /v1/teams/:team/trend, /repeat-reasons and /journeys: a team key sees only its own teams. */
export async function teamRoutes(app: FastifyInstance, options: TeamRoutesOptions): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const { clickhouse } = options;

  routes.get(
    '/v1/teams/:team/trend',
    {
      schema: {
        tags: ['teams'],
        summary: "The team's summary per day or ISO week",
        params: teamParams,
        querystring: trendQueryIn(options.timeZone ?? 'UTC'),
        response: { 200: trendSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { team } = request.params;
      if (!checkScope(request, reply, { team })) return reply;
      const { interval, tz } = request.query;
      const from = new Date(request.query.from);
      const to = new Date(request.query.to);
      const intervals = calendarIntervals(from, to, interval, tz, MAX_TREND_POINTS);
      if (!intervals) {
        const hint = interval === 'day' ? 'a shorter period or interval=week' : 'a shorter period';
        return reply.code(400).send({ error: `from: the period has more than ${MAX_TREND_POINTS} ${interval}s; ask for ${hint}` });
      }
      let source: MetricSource | undefined;
      const figures = await options.metrics.trend({ team, intervals, ...(request.query.asOf && { asOf: request.query.asOf }) }, new Date(), (used) => (source = used));
      const points = intervals.map((period, i): TrendPoint => ({ from: period.from.toISOString(), to: period.to.toISOString(), ...figures[i]! }));
      request.log.debug({ team, points: points.length, source }, 'team trend');
      if (source) void reply.header(SOURCE_HEADER, source);
      return { team, interval, points };
    },
  );

  routes.get(
    '/v1/teams/:team/repeat-reasons',
    {
      schema: {
        tags: ['teams'],
        summary: "Contact reasons of the team's contacts, by how often a repeat followed",
        params: teamParams,
        querystring: repeatReasonsQueryIn(options.timeZone ?? 'UTC'),
        response: { 200: repeatReasonsSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { team } = request.params;
      if (!checkScope(request, reply, { team })) return reply;
      const counts = await readRepeatReasons(clickhouse, { team, from: new Date(request.query.from), to: new Date(request.query.to) });
      // No reason and a reason spelt "(none)" are one row.
      const byReason = new Map<string, { contacts: number; repeats: number }>();
      for (const { reason, contacts, repeats } of counts) {
        const sum = byReason.get(reason ?? NO_REASON) ?? { contacts: 0, repeats: 0 };
        byReason.set(reason ?? NO_REASON, { contacts: sum.contacts + contacts, repeats: sum.repeats + repeats });
      }
      const reasons = [...byReason]
        .map(([reason, { contacts, repeats }]) => ({ reason, contacts, repeats, repeatShare: ratio(repeats, contacts) ?? 0 }))
        .sort((a, b) => b.repeats - a.repeats || byCodeUnit(a.reason, b.reason))
        .slice(0, request.query.limit);
      return { team, reasons };
    },
  );

  routes.get(
    '/v1/teams/:team/journeys',
    {
      schema: {
        tags: ['teams'],
        summary: 'Journeys that started with the team, worst first',
        params: teamParams,
        querystring: teamJourneysQueryIn(options.timeZone ?? 'UTC'),
        response: { 200: teamJourneysSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const { team } = request.params;
      if (!checkScope(request, reply, { team })) return reply;
      const { sort, limit } = request.query;
      const rows = await readTeamJourneys(clickhouse, { team, from: new Date(request.query.from), to: new Date(request.query.to), sort, limit });
      const journeys = rows.map((row) => ({
        journeyId: row.journey_id,
        customerId: row.customer_id,
        start: new Date(row.start_ms).toISOString(),
        contacts: row.contact_count,
        handoffs: row.handoff_count,
        crossSilo: row.cross_silo,
        billingTriggerType: row.billing_trigger_type === '' ? null : row.billing_trigger_type,
      }));
      return { team, journeys };
    },
  );
}
