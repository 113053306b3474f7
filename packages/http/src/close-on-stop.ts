import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Makes a client (a ClickHouse connection, a Kafka producer or admin) part of the app: closed in
 * onClose, so `app.close()` first stops taking requests and waits for those in flight, which may
 * still need it, and then closes it. Clients close in the reverse order of registration, as
 * fastify runs onClose hooks: register what others depend on first.
 */
export async function closeOnStop(app: FastifyInstance, name: string, close: () => Promise<void> | void): Promise<void> {
  await app.register(
    fp(
      async (instance) => {
        instance.addHook('onClose', async () => {
          await close();
        });
      },
      { name: `close-${name}`, fastify: '5.x' },
    ),
  );
}
