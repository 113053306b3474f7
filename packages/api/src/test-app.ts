import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '@seamline/http';
import type { Logger } from '@seamline/log';
import type { Principal } from './auth/principal.ts';
import { registerCaching } from './caching.ts';
import { registerOpenApi } from './openapi.ts';

// Test support for the route tests: the API as app.ts wires it, with the principal a test names
// in an x-test-principal header instead of an API key.

export interface TestAppOptions {
  /** Registers the routes under test, after OpenAPI and caching. */
  routes: (app: FastifyInstance) => Promise<void>;
  /** Set before anything is registered, as app.ts sets its own. */
  errorHandler?: Parameters<FastifyInstance['setErrorHandler']>[0];
}

export async function buildTestApp(logger: Logger, options: TestAppOptions): Promise<FastifyInstance> {
  const app = createHttpApp({ logger });
  if (options.errorHandler) app.setErrorHandler(options.errorHandler);
  app.addHook('onRequest', async (request) => {
    const given = request.headers['x-test-principal'];
    if (typeof given === 'string') request.principal = JSON.parse(given) as Principal;
  });
  await registerOpenApi(app);
  await registerCaching(app);
  await options.routes(app);
  await app.ready();
  return app;
}
