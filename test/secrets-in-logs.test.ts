import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClickHouse, createApiKey, migrate } from '@seamline/clickhouse';
import { describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { startService } from '@seamline/infra/service-process';
import { freePort, startClickHouseServer } from './support/clickhouse-server.ts';
import { uniquePrefix, waitFor } from './support/wait.ts';

describe('secrets', () => {
  // trace is the most verbose level: every line of every other level is among its lines.
  it('never appear in the logs of a service that uses them, at the most verbose level', async () => {
    const secrets = {
      ZENDESK_WEBHOOK_SECRET: 'zendesk-secret-5f1e9a',
      CONNECT_TOKEN: 'connect-token-8c2d47b1e0',
      STRIPE_WEBHOOK_SECRET: 'whsec_stripe-secret-77aa',
      CLICKHOUSE_PASSWORD: 'clickhouse-password-31b9',
    };
    const dataDir = mkdtempSync(join(tmpdir(), 'seamline-secrets-'));
    const { server: clickhouseServer, url } = await startClickHouseServer(dataDir, await freePort());
    const database = 'seamline_secrets';
    const store = await connectClickHouse({ url, database, dataDir });
    await migrate(store.client);
    const writeKey = (await createApiKey(store.client, { kind: 'write', sources: ['zendesk'], teams: [], admin: false, pii: false, name: 'w' })).key;
    const readKey = (await createApiKey(store.client, { teams: [], admin: true, pii: true, name: 'r' })).key;
    await store.close();
    const forgedKey = `sl_0123456789abcdef_${'Q'.repeat(43)}`;
    const env = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'trace', CLICKHOUSE_URL: url, CLICKHOUSE_DATABASE: database, ...secrets };
    const ingest = startService('ingest', { ...env, KAFKA_BROKERS: testStack().kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: uniquePrefix('secrets') });
    const metricsApi = startService('metrics-api', env);
    try {
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;
      await waitFor('ingest and metrics-api to listen', () => listening.test(ingest.output()) && listening.test(metricsApi.output()), 90_000);
      const base = listening.exec(ingest.output())![1];
      const api = listening.exec(metricsApi.output())![1];
      const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', created: 1772355600, data: { object: {} } });
      const t = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', secrets.STRIPE_WEBHOOK_SECRET).update(`${t}.${body}`).digest('hex');
      const event = JSON.stringify([{ id: 'secret-test-1', type: 'ticket.created', occurredAt: '2026-03-01T10:00:00Z', source: 'zendesk', customer: { email: 'a@x.com' }, contactId: 't1', channel: 'email' }]);
      const json = { 'content-type': 'application/json' };
      const summary = `${api}/v1/metrics/summary?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z`;
      const answers = await Promise.all([
        fetch(`${base}/v1/sources/stripe`, { method: 'POST', body, headers: { ...json, 'stripe-signature': `t=${t},v1=${signature}` } }),
        fetch(`${base}/v1/sources/connect`, { method: 'POST', body: '{}', headers: { ...json, authorization: `Bearer ${secrets.CONNECT_TOKEN}` } }),
        fetch(`${base}/v1/sources/connect`, { method: 'POST', body: '{}', headers: { ...json, authorization: 'Bearer not-the-token-at-all' } }),
        fetch(`${base}/v1/sources/zendesk`, { method: 'POST', body: '{}', headers: json }),
        fetch(`${base}/v1/events`, { method: 'POST', body: event, headers: { ...json, authorization: `Bearer ${forgedKey}` } }),
        fetch(`${base}/v1/events`, { method: 'POST', body: event, headers: { ...json, 'x-api-key': readKey } }),
        fetch(summary, { headers: { authorization: `Bearer ${readKey}` } }),
        fetch(summary, { headers: { 'x-api-key': writeKey } }),
        fetch(summary, { headers: { authorization: `Bearer ${forgedKey}` } }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([422, 422, 401, 401, 401, 403, 200, 403, 401]);
      // A request with a valid write key, which may go on to Kafka.
      expect((await fetch(`${base}/v1/events`, { method: 'POST', body: event, headers: { ...json, authorization: `Bearer ${writeKey}` } })).status).toBe(200);
    } finally {
      for (const service of [ingest, metricsApi, clickhouseServer]) service.child.kill('SIGTERM');
      await Promise.all([ingest.exited, metricsApi.exited, clickhouseServer.exited]);
      rmSync(dataDir, { recursive: true, force: true });
    }
    const logs = ingest.output() + metricsApi.output();
    expect(logs).toContain('"msg":"request completed"');
    // Lines below info were written: the level took effect.
    expect(logs).toContain('"level":20');
    for (const secret of [...Object.values(secrets), writeKey, readKey, forgedKey]) {
      expect(logs).not.toContain(secret);
      // Nor the secret part of a key on its own.
      if (secret.startsWith('sl_')) expect(logs).not.toContain(secret.slice(20));
    }
    expect(logs).not.toContain('not-the-token-at-all');
  });
});
