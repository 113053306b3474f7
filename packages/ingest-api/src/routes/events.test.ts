import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@seamline/http';
import { createLogger } from '@seamline/log';
import type { CanonicalEvent, DeadLetter } from '@seamline/schemas';
import { buildIngestApp } from '../app.ts';
import type { EventPublisher } from '../publisher.ts';

const logger = createLogger({ service: 'ingest-test', level: 'silent', pretty: false });
// 10,000 random bodies with `npm run test:faults`.
const RUNS = process.env.SEAMLINE_FAULTS === 'full' ? 10_000 : 1_000;

/** Collects what the route hands on; `failing` simulates a destination that refuses writes. */
function collectingPublisher(failing = false) {
  const events: CanonicalEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  const publisher: EventPublisher = {
    async publish(e, d) {
      if (failing) throw new Error('broker unreachable');
      events.push(...e);
      deadLetters.push(...d);
    },
    ready: async () => !failing,
  };
  return { publisher, events, deadLetters };
}

const event = (id: string) => ({
  id,
  type: 'ticket.created',
  occurredAt: '2026-03-01T10:00:00Z',
  source: 'zendesk',
  customer: { email: 'a@x.com' },
  contactId: id,
  channel: 'email',
});

describe('POST /v1/events', () => {
  it('answers per item and hands on accepted events and dead letters', async () => {
    const sink = collectingPublisher();
    const app = await buildIngestApp({ writeKeys: 'off', publisher: sink.publisher, logger });
    const response = await app.inject({ method: 'POST', url: '/v1/events', payload: [event('a'), event('a'), { id: 'b' }] });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1 });
    expect(response.json().items[2]).toMatchObject({ index: 2, id: 'b', status: 'rejected', path: 'type' });
    expect(sink.events.map((e) => e.id)).toEqual(['a']);
    expect(sink.deadLetters).toHaveLength(1);
  });

  it('answers 400 for a body that is not JSON and keeps the bytes as a dead letter', async () => {
    const sink = collectingPublisher();
    const app = await buildIngestApp({ writeKeys: 'off', publisher: sink.publisher, logger });
    const response = await app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/json' }, payload: '[{"id":' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatch(/^body is not valid JSON/);
    expect(sink.deadLetters).toEqual([expect.objectContaining({ payload: '[{"id":', path: '' })]);
  });

  it('answers 413 for a batch with too many events and for a body over the limit', async () => {
    const app = await buildIngestApp({ writeKeys: 'off', publisher: collectingPublisher().publisher, logger, maxBatchItems: 2, bodyLimitBytes: 2_000 });
    const tooMany = await app.inject({ method: 'POST', url: '/v1/events', payload: [event('a'), event('b'), event('c')] });
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error).toBe('batch has 3 events; at most 2 per request');
    const tooBig = await app.inject({ method: 'POST', url: '/v1/events', payload: [{ ...event('a'), reason: 'x'.repeat(3_000) }] });
    expect(tooBig.statusCode).toBe(413);
  });

  it('counts events by source and result at /metrics', async () => {
    const app = await buildIngestApp({ writeKeys: 'off', publisher: collectingPublisher().publisher, logger, metrics: createMetricsRegistry('ingest') });
    await app.inject({ method: 'POST', url: '/v1/events', payload: [event('a'), event('a'), event('b'), { id: 'x' }] });
    const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(body).toContain('seamline_ingest_events_total{source="http",result="accepted",service="ingest"} 2');
    expect(body).toContain('seamline_ingest_events_total{source="http",result="duplicate",service="ingest"} 1');
    expect(body).toContain('seamline_ingest_events_total{source="http",result="rejected",service="ingest"} 1');
    expect(body).toMatch(/seamline_http_request_duration_seconds_count\{service="ingest",method="POST",route="\/v1\/events",status="200"\} 1/);
  });

  it('answers 429 with Retry-After beyond the rate limit, and keeps health checks out of it', async () => {
    const app = await buildIngestApp({ writeKeys: 'off', publisher: collectingPublisher().publisher, logger, rateLimitPerMinute: 2 });
    const post = () => app.inject({ method: 'POST', url: '/v1/events', payload: [event('a')] });
    expect((await post()).statusCode).toBe(200);
    expect((await post()).statusCode).toBe(200);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json().error).toMatch(/^too many requests: at most 2 per minute/);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('answers 503 with Retry-After when events cannot be stored, accepting nothing', async () => {
    const app = await buildIngestApp({ writeKeys: 'off', publisher: collectingPublisher(true).publisher, logger });
    const response = await app.inject({ method: 'POST', url: '/v1/events', payload: [event('a')] });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
  });

  it('counts the rate limit by the address a trusted proxy forwards, and by the peer when no proxy is trusted', async () => {
    const proxied = await buildIngestApp({ writeKeys: 'off', publisher: collectingPublisher().publisher, logger, rateLimitPerMinute: 1, trustProxy: 1 });
    const direct = await buildIngestApp({ writeKeys: 'off', publisher: collectingPublisher().publisher, logger, rateLimitPerMinute: 1 });
    const post = (app: typeof proxied, client: string) =>
      app.inject({ method: 'POST', url: '/v1/events', payload: [event(`tp-${client}-${Math.random()}`)], headers: { 'x-forwarded-for': client } });
    expect((await post(proxied, '203.0.113.1')).statusCode).toBe(200);
    expect((await post(proxied, '203.0.113.2')).statusCode).toBe(200);
    expect((await post(proxied, '203.0.113.1')).statusCode).toBe(429);
    // Not trusted: a forged header does not buy a new allowance.
    expect((await post(direct, '203.0.113.1')).statusCode).toBe(200);
    expect((await post(direct, '203.0.113.2')).statusCode).toBe(429);
  });

  it(`answers every random body with 200, 400 or 413, and accounts for each item once (${RUNS} cases)`, async () => {
    const sink = collectingPublisher();
    const app = await buildIngestApp({ writeKeys: 'off', publisher: sink.publisher, logger, rateLimitPerMinute: 0, maxBatchItems: 50 });
    // Events with any field dropped or given any JSON value, beside anything JSON at all.
    const field = fc.constantFrom('id', 'type', 'occurredAt', 'source', 'customer', 'contactId', 'queue', 'channel', 'direction', 'attributes', 'reason');
    const broken = fc.tuple(fc.string({ maxLength: 12 }), fc.array(fc.tuple(field, fc.option(fc.jsonValue(), { nil: undefined })), { maxLength: 3 })).map(([id, changes]) => {
      const item: Record<string, unknown> = event(`fz-${id}`);
      for (const [name, value] of changes) item[name] = value;
      return item;
    });
    const item = fc.oneof({ weight: 3, arbitrary: broken }, { weight: 1, arbitrary: fc.jsonValue() });
    const body = fc.oneof(
      fc.array(item, { maxLength: 60 }).map((items) => ({ text: JSON.stringify(items), type: 'application/json' })),
      fc.array(item, { maxLength: 60 }).map((items) => ({ text: items.map((i) => JSON.stringify(i)).join('\n'), type: 'application/x-ndjson' })),
      fc.string({ maxLength: 300, unit: 'binary' }).map((text) => ({ text, type: 'application/json' })),
    );
    await fc.assert(
      fc.asyncProperty(body, async ({ text, type }) => {
        const [events, letters] = [sink.events.length, sink.deadLetters.length];
        const response = await app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': type }, payload: text });
        expect([200, 400, 413], response.body).toContain(response.statusCode);
        if (response.statusCode !== 200) return;
        const answer = response.json<{ accepted: number; duplicates: number; rejected: number; items: Array<{ index: number }> }>();
        expect(answer.items.map((i) => i.index)).toEqual(answer.items.map((_, index) => index));
        expect(answer.accepted + answer.duplicates + answer.rejected).toBe(answer.items.length);
        // Each accepted item is one event handed on, each rejected one a dead letter.
        expect(sink.events.length - events).toBe(answer.accepted);
        expect(sink.deadLetters.length - letters).toBe(answer.rejected);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
