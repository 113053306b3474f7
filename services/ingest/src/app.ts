import type { FastifyInstance } from 'fastify';
import { createHttpApp, registerHealthRoutes } from '@seamline/http';
import type { Logger } from '@seamline/log';
import type { EventPublisher } from './publisher.ts';
import { eventsRoute } from './routes/events.ts';

export interface IngestAppOptions {
  publisher: EventPublisher;
  logger: Logger;
  bodyLimitBytes?: number;
  maxBatchItems?: number;
  blockedIdentifiers?: readonly string[];
}

export async function buildIngestApp(options: IngestAppOptions): Promise<FastifyInstance> {
  const app = createHttpApp({ logger: options.logger, bodyLimit: options.bodyLimitBytes ?? 10 << 20 });
  registerHealthRoutes(app, { kafka: () => options.publisher.ready() });
  await app.register(eventsRoute, {
    publisher: options.publisher,
    maxBatchItems: options.maxBatchItems ?? 10_000,
    ...(options.blockedIdentifiers && { blockedIdentifiers: options.blockedIdentifiers }),
  });
  return app;
}
