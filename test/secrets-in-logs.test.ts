import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { startService } from '@seamline/infra/service-process';
import { uniquePrefix, waitFor } from './support/wait.ts';

describe('secrets', () => {
  it('never appear in the logs of a service that uses them, even at debug level', async () => {
    const secrets = {
      ZENDESK_WEBHOOK_SECRET: 'zendesk-secret-5f1e9a',
      CONNECT_TOKEN: 'connect-token-8c2d47b1e0',
      STRIPE_WEBHOOK_SECRET: 'whsec_stripe-secret-77aa',
    };
    const ingest = startService('ingest', {
      KAFKA_BROKERS: testStack().kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: uniquePrefix('secrets'),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
      ...secrets,
    });
    try {
      await waitFor('ingest to listen', () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(ingest.output()));
      const base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(ingest.output())![1];
      const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.created', created: 1772355600, data: { object: {} } });
      const t = Math.floor(Date.now() / 1000);
      const signature = createHmac('sha256', secrets.STRIPE_WEBHOOK_SECRET).update(`${t}.${body}`).digest('hex');
      const answers = await Promise.all([
        fetch(`${base}/v1/sources/stripe`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${signature}` } }),
        fetch(`${base}/v1/sources/connect`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: `Bearer ${secrets.CONNECT_TOKEN}` } }),
        fetch(`${base}/v1/sources/connect`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-token-at-all' } }),
        fetch(`${base}/v1/sources/zendesk`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([422, 422, 401, 401]);
    } finally {
      ingest.child.kill('SIGTERM');
      await ingest.exited;
    }
    const logs = ingest.output();
    expect(logs).toContain('"msg":"request completed"');
    for (const secret of Object.values(secrets)) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('not-the-token-at-all');
  });
});
