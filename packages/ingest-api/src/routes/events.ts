import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maySend, parseApiKey, type ApiKey } from '@seamline/clickhouse';
import { keyChecker, type KeyVerdict } from '@seamline/http';
import { unavailable, type EventPublisher } from '../publisher.ts';
import type { IngestTelemetry } from '../telemetry.ts';
import { splitBody, takeIn, type RawItem } from '../intake.ts';

/** How the ingest API checks write keys: against the stored keys, or not at all ('off'). */
export type WriteKeys = 'off' | { verify: (key: string) => Promise<KeyVerdict<ApiKey>>; ttlMs?: number };

/** How long a key's verdict is reused; a revoked key is refused within it. */
export const WRITE_KEY_TTL_MS = 10_000;

export interface EventsRouteOptions {
  writeKeys: WriteKeys;
  publisher: EventPublisher;
  maxBatchItems: number;
  telemetry: IngestTelemetry;
  blockedIdentifiers?: readonly string[];
}

// Properties in the order callers have always received them: required ones first.
const itemResult = z.object({
  index: z.number().int(),
  status: z.enum(['accepted', 'duplicate', 'rejected']),
  id: z.string().optional(),
  reason: z.string().optional(),
  path: z.string().optional(),
});

const problem = z.object({ error: z.string(), reason: z.string().optional() });

const batchAnswer = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  items: z.array(itemResult),
});

/**
 * The key a request must present, checked before its body is read: 401 without a valid key, 403
 * for a read key. A known key keeps working while the key store cannot be asked.
 */
function writeKeyHook(writeKeys: WriteKeys, keys: WeakMap<FastifyRequest, ApiKey>) {
  if (writeKeys === 'off') return undefined;
  const check = keyChecker({ verify: writeKeys.verify, wellFormed: (key) => parseApiKey(key) !== undefined, ttlMs: writeKeys.ttlMs ?? WRITE_KEY_TTL_MS, staleIfError: true });
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const apiKey = await check(request, reply).catch((error: unknown) => {
      request.log.error({ err: error }, 'write key could not be checked');
      void reply.code(503).header('retry-after', '5').send({ error: 'the write key could not be checked now; nothing was stored, retry later' });
      return undefined;
    });
    if (!apiKey) return reply;
    if (apiKey.kind !== 'write') {
      return reply.code(403).send({ error: `key ${apiKey.keyId} is a read key of the metric API: sending events needs a write key (\`seamline keys create --write --source S\`)` });
    }
    keys.set(request, apiKey);
  };
}

/** Items whose source the key may not send, as "source (items i, j)"; empty when every item may be sent. */
function forbiddenSources(items: readonly RawItem[], key: ApiKey): string[] {
  const forbidden = new Map<string, number[]>();
  items.forEach((item, index) => {
    const value = 'value' in item ? item.value : undefined;
    const source = typeof value === 'object' && value !== null ? (value as { source?: unknown }).source : undefined;
    if (typeof source === 'string' && !maySend(key, source)) forbidden.set(source, [...(forbidden.get(source) ?? []), index]);
  });
  return [...forbidden].map(([source, at]) => `"${source}" (item${at.length > 1 ? 's' : ''} ${at.slice(0, 5).join(', ')}${at.length > 5 ? ', ...' : ''})`);
}

/**
 * POST /v1/events: canonical events as a JSON array (or one object) or NDJSON. Answers per item,
 * and only after Kafka acknowledged the accepted events and the dead letters. Needs a write key
 * for the sources of its events; a refused request stores nothing, not even a dead letter.
 */
export async function eventsRoute(app: FastifyInstance, options: EventsRouteOptions): Promise<void> {
  const keys = new WeakMap<FastifyRequest, ApiKey>();
  const onRequest = writeKeyHook(options.writeKeys, keys);
  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/events',
    {
      ...(onRequest && { onRequest }),
      schema: {
        // The raw text, parsed by the route itself: a body that is not JSON is still kept whole.
        body: z.string().optional(),
        response: { 200: batchAnswer, 400: problem, 401: problem, 403: problem, 413: problem, 503: problem },
      },
    },
    async (request, reply) => {
      const body = request.body ?? '';
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
      const key = keys.get(request);
      const forbidden = key ? forbiddenSources(items, key) : [];
      if (key && forbidden.length > 0) {
        return reply.code(403).send({ error: `key ${key.keyId} may send events of ${key.sources.join(', ')} only; this request has events of ${forbidden.join(', ')}; nothing was stored` });
      }
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
