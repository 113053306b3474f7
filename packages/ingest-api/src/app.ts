import type { FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { createHttpApp, registerHealthRoutes, registerPrometheus, type Registry } from '@seamline/http';
import { ingestTelemetry, NO_TELEMETRY } from './telemetry.ts';
import type { Logger } from '@seamline/log';
import { boundedPublisher, type EventPublisher, type PublishLimits } from './publisher.ts';
import { eventsRoute, type WriteKeys } from './routes/events.ts';
import { sourcesRoute } from './routes/sources.ts';
import { sourceAuthenticators, type SourceSecrets } from './sources/authenticators.ts';
import { sourceTranslators, type TranslatorOptions } from './sources/translators.ts';

export interface IngestAppOptions {
  publisher: EventPublisher;
  logger: Logger;
  /** Who may POST /v1/events: holders of a write key for the events' sources, or anyone ('off'). */
  writeKeys: WriteKeys;
  bodyLimitBytes?: number;
  maxBatchItems?: number;
  blockedIdentifiers?: readonly string[];
  /** Secrets of the vendor sources; a source without its secret is not accepted. */
  sourceSecrets?: SourceSecrets;
  translatorOptions?: TranslatorOptions;
  /** Prometheus registry: serves /metrics and counts events by source and result. */
  metrics?: Registry;
  /** Requests per minute per client address; 0 turns the limit off (default 6000). */
  rateLimitPerMinute?: number;
  /** Events publishing at once and how long Kafka may take (default 50,000 and 10 s). */
  publishLimits?: Partial<PublishLimits>;
  /** Whose X-Forwarded-For to believe for the client address the rate limit counts by (TRUST_PROXY). */
  trustProxy?: boolean | number | string[];
  /** Refused webhook posts kept as dead letters per source and hour (default 100); beyond it only counted. */
  unauthenticatedDeadLettersPerHour?: number;
}

export async function buildIngestApp(options: IngestAppOptions): Promise<FastifyInstance> {
  const app = createHttpApp({
    logger: options.logger,
    bodyLimit: options.bodyLimitBytes ?? 10 << 20,
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
  });
  const telemetry = options.metrics ? ingestTelemetry(options.metrics) : NO_TELEMETRY;
  const publisher = boundedPublisher(
    options.publisher,
    { maxInFlightEvents: options.publishLimits?.maxInFlightEvents ?? 50_000, timeoutMs: options.publishLimits?.timeoutMs ?? 10_000 },
    telemetry.inFlight,
  );
  if (options.metrics) registerPrometheus(app, options.metrics);
  const perMinute = options.rateLimitPerMinute ?? 6_000;
  if (perMinute > 0) {
    // Over the limit: 429 with Retry-After, so well-behaved senders back off instead of piling up.
    await app.register(rateLimit, {
      max: perMinute,
      timeWindow: '1 minute',
      allowList: (request) => !request.url.startsWith('/v1/'),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: `too many requests: at most ${context.max} per minute from one address; retry after ${context.after}`,
      }),
    });
  }
  registerHealthRoutes(app, { kafka: () => publisher.ready() });
  // Bodies arrive as text so that a payload that fails to parse is still kept whole as a dead
  // letter, and so that webhook signatures are checked over the exact bytes received.
  app.addContentTypeParser(['application/json', 'application/x-ndjson', 'text/plain'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );
  await app.register(eventsRoute, {
    publisher,
    writeKeys: options.writeKeys,
    telemetry,
    maxBatchItems: options.maxBatchItems ?? 10_000,
    ...(options.blockedIdentifiers && { blockedIdentifiers: options.blockedIdentifiers }),
  });
  await app.register(sourcesRoute, {
    publisher,
    telemetry,
    translators: sourceTranslators(options.translatorOptions ?? { zendeskGroups: {} }),
    authenticators: sourceAuthenticators(options.sourceSecrets ?? {}),
    unauthenticatedDeadLettersPerHour: options.unauthenticatedDeadLettersPerHour ?? 100,
    ...(options.blockedIdentifiers && { blockedIdentifiers: options.blockedIdentifiers }),
  });
  return app;
}
