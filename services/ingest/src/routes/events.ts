import type { FastifyInstance } from 'fastify';
import { unavailable, type EventPublisher } from '../publisher.ts';
import type { IngestTelemetry } from '../telemetry.ts';
import { splitBody, takeIn } from '../intake.ts';

export interface EventsRouteOptions {
  publisher: EventPublisher;
  maxBatchItems: number;
  telemetry: IngestTelemetry;
  blockedIdentifiers?: readonly string[];
}

const itemResult = {
  type: 'object',
  required: ['index', 'status'],
  properties: {
    index: { type: 'integer' },
    id: { type: 'string' },
    status: { type: 'string', enum: ['accepted', 'duplicate', 'rejected'] },
    reason: { type: 'string' },
    path: { type: 'string' },
  },
} as const;

const problem = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' }, reason: { type: 'string' } },
} as const;

/**
 * POST /v1/events: canonical events as a JSON array (or one object) or NDJSON. Answers per item,
 * and only after Kafka acknowledged the accepted events and the dead letters.
 */
export async function eventsRoute(app: FastifyInstance, options: EventsRouteOptions): Promise<void> {
  app.post(
    '/v1/events',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            required: ['accepted', 'duplicates', 'rejected', 'items'],
            properties: {
              accepted: { type: 'integer' },
              duplicates: { type: 'integer' },
              rejected: { type: 'integer' },
              items: { type: 'array', items: itemResult },
            },
          },
          400: problem,
          413: problem,
          503: problem,
        },
      },
    },
    async (request, reply) => {
      const body = typeof request.body === 'string' ? request.body : '';
      const ndjson = (request.headers['content-type'] ?? '').includes('ndjson');
      const items = splitBody(body, ndjson);
      if ('error' in items) {
        const intake = takeIn([{ parseError: items.error, text: body }], 'http');
        try {
          await options.publisher.publish([], intake.deadLetters);
        } catch (error) {
          const { retryAfter, reason } = unavailable(error);
          return reply.code(503).header('retry-after', retryAfter).send({ error: 'the payload could not be kept as a dead letter now; retry later', reason });
        }
        return reply.code(400).send({ error: items.error });
      }
      if (items.length > options.maxBatchItems) {
        return reply.code(413).send({ error: `batch has ${items.length} events; at most ${options.maxBatchItems} per request` });
      }
      if (items.length === 0) return reply.code(400).send({ error: 'body holds no events' });
      const intake = takeIn(items, 'http', { blockedIdentifiers: options.blockedIdentifiers });
      try {
        await options.publisher.publish(intake.events, intake.deadLetters);
      } catch (error) {
        request.log.error({ err: error }, 'publishing failed');
        const { retryAfter, reason } = unavailable(error);
        return reply
          .code(503)
          .header('retry-after', retryAfter)
          .send({ error: 'events could not be stored now; nothing of this request was accepted, retry later', reason });
      }
      const count = (status: string) => intake.items.filter((i) => i.status === status).length;
      options.telemetry.counted('http', 'accepted', count('accepted'));
      options.telemetry.counted('http', 'duplicate', count('duplicate'));
      options.telemetry.counted('http', 'rejected', count('rejected'));
      return { accepted: count('accepted'), duplicates: count('duplicate'), rejected: count('rejected'), items: intake.items };
    },
  );
}
