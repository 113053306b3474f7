import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@seamline/log';
import { createWebhookNotifier } from './notify.ts';

const logger = createLogger({ service: 'notify-test', level: 'silent', pretty: false });
const message = { text: 'hello' };

/** A webhook on 127.0.0.1 answering with the given statuses in turn (the last one repeats). */
async function webhook(statuses: number[], delayMs = 0): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(JSON.parse(body));
      const status = statuses[Math.min(bodies.length - 1, statuses.length - 1)]!;
      setTimeout(() => response.writeHead(status).end(status < 300 ? 'ok' : 'no'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, server };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('delivering to a webhook', () => {
  it('POSTs the JSON body once when the webhook takes it', async () => {
    const hook = await webhook([200]);
    const notifier = createWebhookNotifier({ logger });
    expect(await notifier.deliver({ name: 'hook', url: hook.url }, message)).toEqual({ delivered: true, attempts: 1 });
    expect(hook.bodies).toEqual([message]);
  });

  it('retries a 500 or 429 with growing waits, a bounded number of times', async () => {
    const waits: number[] = [];
    const notifier = createWebhookNotifier({ logger, attempts: 4, backoffMs: 100, sleep: async (ms) => void waits.push(ms) });
    const flaky = await webhook([500, 429, 200]);
    expect(await notifier.deliver({ name: 'flaky', url: flaky.url }, message)).toEqual({ delivered: true, attempts: 3 });
    expect(waits).toEqual([100, 200]);
    const down = await webhook([503]);
    expect(await notifier.deliver({ name: 'down', url: down.url }, message)).toEqual({ delivered: false, attempts: 4, reason: 'HTTP 503' });
    expect(down.bodies).toHaveLength(4);
  });

  it('does not retry an answer that will not change (404)', async () => {
    const gone = await webhook([404]);
    const notifier = createWebhookNotifier({ logger, sleep: async () => {} });
    expect(await notifier.deliver({ name: 'gone', url: gone.url }, message)).toEqual({ delivered: false, attempts: 1, reason: 'HTTP 404' });
  });

  it('gives up on a webhook that does not answer in time, and on one that refuses connections', async () => {
    const slow = await webhook([200], 1_000);
    const notifier = createWebhookNotifier({ logger, timeoutMs: 50, attempts: 2, sleep: async () => {} });
    expect(await notifier.deliver({ name: 'slow', url: slow.url }, message)).toEqual({ delivered: false, attempts: 2, reason: 'no answer within 50 ms' });
    const closed = await webhook([200]);
    await new Promise((resolve) => closed.server.close(resolve));
    const refused = await notifier.deliver({ name: 'closed', url: closed.url }, message);
    expect(refused).toMatchObject({ delivered: false, attempts: 2, reason: expect.stringContaining('ECONNREFUSED') });
  });
});
