import { createHmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@seamline/log';
import type { CanonicalEvent, DeadLetter } from '@seamline/schemas';
import { loadSourceFixture, mutate, mutationsArb } from '@seamline/sources/testing';
import { createMetricsRegistry, type Registry } from '@seamline/http';
import { buildIngestApp } from '../app.ts';
import { PublishRefused, type EventPublisher } from '../publisher.ts';

const logger = createLogger({ service: 'ingest-test', level: 'silent', pretty: false });
// 10,000 cases each with `npm run test:faults`.
const RUNS = process.env.SEAMLINE_FAULTS === 'full' ? 10_000 : 1_000;
const secrets = { zendeskWebhookSecret: 'zd-secret', connectToken: 'connect-token-0123456789', stripeWebhookSecret: 'whsec_x' };

const sign: Record<string, (body: string) => Record<string, string>> = {
  zendesk: (body) => {
    const timestamp = new Date().toISOString();
    return {
      'x-zendesk-webhook-signature': createHmac('sha256', secrets.zendeskWebhookSecret).update(timestamp + body).digest('base64'),
      'x-zendesk-webhook-signature-timestamp': timestamp,
    };
  },
  connect: () => ({ authorization: `Bearer ${secrets.connectToken}` }),
  stripe: (body) => {
    const t = Math.floor(Date.now() / 1000);
    return { 'stripe-signature': `t=${t},v1=${createHmac('sha256', secrets.stripeWebhookSecret).update(`${t}.${body}`).digest('hex')}` };
  },
};

const fixtures = (source: string): unknown[] =>
  readdirSync(fileURLToPath(new URL(`../../../../packages/sources/fixtures/${source}/`, import.meta.url)))
    .filter((file) => file.endsWith('.json'))
    .map((file) => loadSourceFixture(source, file.replace(/\.json$/, '')));

/** A fixture with a few fields somewhere dropped, replaced or given another JSON type. */
const mutated = (source: string) =>
  fc.tuple(fc.constantFrom(...fixtures(source)), mutationsArb).map(([fixture, mutations]) => mutate(fixture, mutations));

/** `refusedPerHour`: refused posts kept per source and hour (high: the properties below keep each). */
async function appWithSink(refusedPerHour = 1_000_000, metrics?: Registry) {
  const published = { events: [] as CanonicalEvent[], letters: [] as DeadLetter[] };
  const publisher: EventPublisher = {
    async publish(events, letters) {
      published.events.push(...events);
      published.letters.push(...letters);
    },
    ready: async () => true,
  };
  const app = await buildIngestApp({
    writeKeys: 'off',
    publisher,
    logger,
    rateLimitPerMinute: 0,
    sourceSecrets: secrets,
    translatorOptions: { zendeskGroups: { '360011': 'Billing Tier 1' } },
    unauthenticatedDeadLettersPerHour: refusedPerHour,
    ...(metrics && { metrics }),
  });
  return { app, published };
}

describe('POST /v1/sources/:source with random and mutated payloads', () => {
  for (const source of ['zendesk', 'connect', 'stripe']) {
    it(`never crashes on ${source} input, and accepts or dead-letters each payload, never both, never neither`, async () => {
      const { app, published } = await appWithSink();
      const payload = fc.oneof(fc.jsonValue(), mutated(source)).map((value) => JSON.stringify(value) ?? 'null');
      const body = fc.oneof({ weight: 9, arbitrary: payload }, { weight: 1, arbitrary: fc.string() });
      await fc.assert(
        fc.asyncProperty(body, async (text) => {
          published.events.length = 0;
          published.letters.length = 0;
          const response = await app.inject({
            method: 'POST',
            url: `/v1/sources/${source}`,
            payload: text,
            headers: { 'content-type': 'application/json', ...sign[source]!(text) },
          });
          const accepted = response.statusCode === 200 && published.letters.length === 0;
          const deadLettered = response.statusCode === 422 && published.letters.length === 1 && published.events.length === 0;
          expect(accepted !== deadLettered, `${response.statusCode} ${response.body}`).toBe(true);
          if (deadLettered) expect(published.letters[0]!.payload).toBe(text);
        }),
        { numRuns: RUNS },
      );
    });
  }

  /** Headers that look like each source's authentication, with guessed or tampered values. */
  const forged: Record<string, (body: string) => fc.Arbitrary<Record<string, string>>> = {
    zendesk: (body) =>
      fc.oneof(
        fc.record({ 'x-zendesk-webhook-signature': fc.base64String({ minLength: 44, maxLength: 44 }), 'x-zendesk-webhook-signature-timestamp': fc.constant(new Date().toISOString()) }),
        // The right signature for another body.
        fc.string({ minLength: 1, maxLength: 20 }).map((extra) => sign.zendesk!(`${body}${extra}`)),
      ),
    connect: () => fc.string({ maxLength: 60, unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-') }).filter((t) => t !== secrets.connectToken).map((t) => ({ authorization: `Bearer ${t}` })),
    stripe: (body) =>
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }).map((v1) => ({ 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${v1}` })),
        fc.string({ minLength: 1, maxLength: 20 }).map((extra) => sign.stripe!(`${body}${extra}`)),
        fc.string({ maxLength: 80 }).map((header) => ({ 'stripe-signature': header })),
      ),
  };

  for (const source of ['zendesk', 'connect', 'stripe']) {
    it(`refuses ${source} payloads with forged or wrong authentication, keeping each as a dead letter`, async () => {
      const { app, published } = await appWithSink();
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...fixtures(source)).map((fixture) => JSON.stringify(fixture)).chain((body) => forged[source]!(body).map((headers) => ({ body, headers }))),
          async ({ body, headers }) => {
            published.events.length = 0;
            published.letters.length = 0;
            const response = await app.inject({ method: 'POST', url: `/v1/sources/${source}`, payload: body, headers: { 'content-type': 'application/json', ...headers } });
            expect(response.statusCode, response.body).toBe(401);
            expect(published.events).toEqual([]);
            expect(published.letters.map((l) => l.payload)).toEqual([body]);
          },
        ),
        { numRuns: RUNS },
      );
    });
  }

  it('keeps refused posts of a source as dead letters up to the bound per hour, then only counts them; unknown sources share one label', async () => {
    const registry = createMetricsRegistry('ingest');
    const { app, published } = await appWithSink(3, registry);
    const post = (source: string, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: `/v1/sources/${source}`, payload: '{"forged":true}', headers: { 'content-type': 'application/json', ...headers } });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await post('connect', { authorization: 'Bearer not-the-token-at-all' }));
    expect(answers.map((a) => [a.statusCode, a.json().deadLettered])).toEqual([[401, true], [401, true], [401, true], [401, false], [401, false]]);
    expect(published.letters).toHaveLength(3);
    // Another source has a bound of its own; made-up names share the bound and label "unknown".
    expect((await post('stripe')).json().deadLettered).toBe(true);
    for (const name of ['a1', 'b2', 'c3', 'd4', 'e5']) expect((await post(name)).statusCode).toBe(404);
    expect(published.letters).toHaveLength(3 + 1 + 3);
    const metrics = await registry.metrics();
    expect(metrics).toContain('seamline_ingest_refused_unkept_total{source="connect",service="ingest"} 2');
    expect(metrics).toContain('seamline_ingest_refused_unkept_total{source="unknown",service="ingest"} 2');
    expect(metrics).toContain('seamline_ingest_events_total{source="unknown",result="rejected",service="ingest"} 3');
    expect(metrics).not.toMatch(/source="(a1|b2|c3|d4|e5|unknown:)/);
  });

  it('answers 400 naming the parameter for a source name over 64 characters, and keeps nothing', async () => {
    const { app, published } = await appWithSink();
    const post = (source: string) => app.inject({ method: 'POST', url: `/v1/sources/${source}`, payload: '{}', headers: { 'content-type': 'application/json' } });
    const tooLong = await post('x'.repeat(65));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toEqual({ statusCode: 400, code: 'FST_ERR_VALIDATION', error: 'Bad Request', message: 'params/source must NOT have more than 64 characters' });
    expect(published.letters).toEqual([]);
    expect((await post('x'.repeat(64))).statusCode).toBe(404);
  });

  it('answers 503 with Retry-After and the reason when Kafka refuses, for events and for a dead letter alike', async () => {
    const publisher: EventPublisher = {
      publish: async () => {
        throw new PublishRefused('too many events are being published now', 7);
      },
      ready: async () => true,
    };
    const app = await buildIngestApp({ writeKeys: 'off', publisher, logger, rateLimitPerMinute: 0, sourceSecrets: secrets, unauthenticatedDeadLettersPerHour: 100 });
    const body = JSON.stringify(loadSourceFixture('stripe', readdirSync(fileURLToPath(new URL('../../../../packages/sources/fixtures/stripe/', import.meta.url))).find((f) => f.endsWith('.json'))!.replace(/\.json$/, '')));
    const refused = await app.inject({ method: 'POST', url: '/v1/sources/stripe', payload: body, headers: { 'content-type': 'application/json', ...sign.stripe!(body) } });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('7');
    expect(refused.json()).toEqual({ error: expect.stringContaining('retry later'), reason: 'too many events are being published now' });
    const forged = await app.inject({ method: 'POST', url: '/v1/sources/stripe', payload: body, headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' } });
    expect(forged.statusCode).toBe(503);
    expect(forged.json()).toEqual({ error: 'the payload could not be kept as a dead letter now; retry later', reason: 'too many events are being published now' });
  });
});
