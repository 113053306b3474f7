import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { unavailable, type EventPublisher } from '../publisher.ts';
import type { IngestTelemetry } from '../telemetry.ts';
import type { Authenticate } from '../sources/authenticators.ts';
import { makeDeadLetter } from '@seamline/schemas';
import { takeInSourcePayload } from '../sources/intake.ts';
import type { Translate } from '../sources/translators.ts';

export interface SourcesRouteOptions {
  publisher: EventPublisher;
  telemetry: IngestTelemetry;
  translators: ReadonlyMap<string, Translate>;
  /** Per source: how to authenticate, or the variable to set to enable it. */
  authenticators: ReadonlyMap<string, Authenticate | string>;
  blockedIdentifiers?: readonly string[];
  /** Refused posts (not shown to come from the source) kept as dead letters per source and hour; beyond it they are counted only. */
  unauthenticatedDeadLettersPerHour: number;
}

const HOUR_MS = 3_600_000;

/**
 * How many refused posts of each source are kept this hour: anyone can post to a webhook path, so
 * what is kept of posts that did not prove their source is bounded, and the rest only counted.
 */
function refusedBound(perHour: number) {
  let hour = -1;
  const kept = new Map<string, number>();
  return (source: string): boolean => {
    const now = Math.floor(Date.now() / HOUR_MS);
    if (now !== hour) {
      hour = now;
      kept.clear();
    }
    const count = kept.get(source) ?? 0;
    if (count >= perHour) return false;
    kept.set(source, count + 1);
    return true;
  };
}

const problem = z.object({ error: z.string(), path: z.string().optional(), deadLettered: z.boolean().optional() });
/** Nothing could be stored now: why (Kafka away, or too much in flight), as /v1/events says it. */
const unavailableProblem = z.object({ error: z.string(), reason: z.string() });

const sourceParams = z.object({
  // A longer name is no source of ours; the message is the one this answer has always carried.
  source: z.string().max(64, 'must NOT have more than 64 characters'),
});

const sourceAnswer = z.object({ accepted: z.number().int(), duplicates: z.number().int(), events: z.array(z.string()) });

/** Marks reasons a replay must never retry: the payload was not shown to come from the source. */
export const UNAUTHENTICATED = 'unauthenticated';

/**
 * POST /v1/sources/:source: a vendor's own payload (Zendesk webhook or audits, Amazon Connect
 * contact records, Stripe events), authenticated the source's way, translated to canonical events
 * and accepted whole, or kept whole as a dead letter with the reason.
 */
export async function sourcesRoute(app: FastifyInstance, options: SourcesRouteOptions): Promise<void> {
  const mayKeepRefused = refusedBound(options.unauthenticatedDeadLettersPerHour);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/sources/:source',
    {
      schema: {
        params: sourceParams,
        // The raw text: signatures are checked over the exact bytes received.
        body: z.string().optional(),
        response: { 200: sourceAnswer, 401: problem, 404: problem, 422: problem, 503: unavailableProblem },
      },
    },
    async (request, reply) => {
      const { source } = request.params;
      const body = request.body ?? '';
      // Unknown names share one label and one bound: they are the caller's to choose.
      const known = options.translators.has(source);
      const label = known ? source : 'unknown';
      const refuse = async (status: 401 | 404 | 422, reason: string, path = '', letterSource = source) => {
        // A post that did not prove its source (401, 404) is kept only within the bound.
        if (status !== 422 && !mayKeepRefused(label)) {
          options.telemetry.unkept(label);
          return reply.code(status).send({ error: reason, ...(path && { path }), deadLettered: false });
        }
        try {
          await options.publisher.publish([], [makeDeadLetter(letterSource, body, reason, path)]);
        } catch (error) {
          const { retryAfter, reason: why } = unavailable(error);
          return reply.code(503).header('retry-after', retryAfter).send({ error: 'the payload could not be kept as a dead letter now; retry later', reason: why });
        }
        options.telemetry.counted(label, 'rejected', 1);
        return reply.code(status).send({ error: reason, ...(path && { path }), deadLettered: true });
      };
      const translate = options.translators.get(source);
      const authenticate = options.authenticators.get(source);
      if (!translate || authenticate === undefined) {
        const known = [...options.translators.keys()].join(', ');
        return refuse(404, `unknown source "${source}" (known: ${known})`, '', `unknown:${source.slice(0, 64)}`);
      }
      if (typeof authenticate === 'string') {
        return refuse(404, `source "${source}" is not enabled: set ${authenticate}`);
      }
      const authentication = authenticate({ headers: request.headers, body });
      if (!authentication.ok) return refuse(401, `${UNAUTHENTICATED}: ${authentication.reason}`);
      const intake = takeInSourcePayload(body, translate, options.blockedIdentifiers);
      if (!intake.ok) return refuse(422, intake.reason, intake.path);
      const unique = [...new Map(intake.events.map((event) => [event.id, event])).values()];
      try {
        await options.publisher.publish(unique, []);
      } catch (error) {
        request.log.error({ err: error, source }, 'publishing failed');
        const { retryAfter, reason } = unavailable(error);
        return reply.code(503).header('retry-after', retryAfter).send({ error: 'events could not be stored now; retry later', reason });
      }
      options.telemetry.counted(source, 'accepted', unique.length);
      options.telemetry.counted(source, 'duplicate', intake.events.length - unique.length);
      return { accepted: unique.length, duplicates: intake.events.length - unique.length, events: unique.map((e) => e.id) };
    },
  );
}
