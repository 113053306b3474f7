import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANY_SOURCE, createApiKey, revokeApiKey, verifyApiKey, type ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import { createLogger } from '@seamline/log';
import type { CanonicalEvent, DeadLetter } from '@seamline/schemas';
import type { FastifyInstance } from 'fastify';
import { buildIngestApp } from '../app.ts';
import type { EventPublisher } from '../publisher.ts';

// POST /v1/events takes events only from holders of a write key for their sources, checked
// against the keys stored in ClickHouse; a refused request stores nothing, not even a dead letter.

const logger = createLogger({ service: 'ingest-keys-test', level: 'silent', pretty: false });

const event = (id: string, source: string) => ({
  id,
  type: 'ticket.created',
  occurredAt: '2026-03-01T10:00:00Z',
  source,
  customer: { email: 'a@x.com' },
  contactId: id,
  channel: 'email',
});

let clickhouse: ClickHouse;
let app: FastifyInstance;
const published: { events: CanonicalEvent[]; deadLetters: DeadLetter[] } = { events: [], deadLetters: [] };
const keys: Record<'zendesk' | 'any' | 'read' | 'revoked', string> = { zendesk: '', any: '', read: '', revoked: '' };

beforeAll(async () => {
  clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  const write = (sources: string[], name: string) => createApiKey(clickhouse.client, { kind: 'write', sources, teams: [], admin: false, pii: false, name });
  keys.zendesk = (await write(['zendesk'], 'zendesk only')).key;
  keys.any = (await write([ANY_SOURCE], 'any source')).key;
  keys.read = (await createApiKey(clickhouse.client, { teams: [], admin: true, pii: false, name: 'admin' })).key;
  const revoked = await write(['zendesk'], 'revoked');
  await revokeApiKey(clickhouse.client, revoked.keyId);
  keys.revoked = revoked.key;
  const publisher: EventPublisher = {
    async publish(events, deadLetters) {
      published.events.push(...events);
      published.deadLetters.push(...deadLetters);
    },
    ready: async () => true,
  };
  app = await buildIngestApp({ writeKeys: { verify: (key) => verifyApiKey(clickhouse.client, key), ttlMs: 0 }, publisher, logger });
});
afterAll(async () => {
  await app?.close();
  await clickhouse?.close();
});

const post = (payload: unknown, key?: string) =>
  app.inject({ method: 'POST', url: '/v1/events', payload: payload as object, headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });

describe('write keys of the ingest API', () => {
  it('refuses an anonymous event with 401, saying how to get a key, and stores nothing', async () => {
    const before = { ...published, events: published.events.length, deadLetters: published.deadLetters.length };
    const response = await post([event('anon-1', 'zendesk')]);
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatch(/missing API key.*seamline keys create/);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    // A body that is not even JSON is not kept as a dead letter either.
    expect((await app.inject({ method: 'POST', url: '/v1/events', headers: { 'content-type': 'application/json' }, payload: '[{' })).statusCode).toBe(401);
    expect([published.events.length, published.deadLetters.length]).toEqual([before.events, before.deadLetters]);
  });

  it('refuses a made-up, an unknown and a revoked key with 401, each saying which', async () => {
    expect((await post([event('x', 'zendesk')], 'letmein')).json().error).toMatch(/^invalid API key/);
    const unknown = `sl_0123456789abcdef_${'A'.repeat(43)}`;
    expect((await post([event('x', 'zendesk')], unknown)).json().error).toMatch(/^unknown API key/);
    const revoked = await post([event('x', 'zendesk')], keys.revoked);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error).toMatch(/^revoked API key/);
    expect(published.events.map((e) => e.id)).not.toContain('x');
  });

  it('refuses a read key with 403: a metric API key cannot write', async () => {
    const response = await post([event('read-1', 'zendesk')], keys.read);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatch(/read key .*needs a write key/);
    expect(published.events.map((e) => e.id)).not.toContain('read-1');
  });

  it('takes the events of a key for their source', async () => {
    const response = await post([event('ok-1', 'zendesk'), event('ok-2', 'zendesk')], keys.zendesk);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: 2 });
    expect(published.events.map((e) => e.id)).toEqual(expect.arrayContaining(['ok-1', 'ok-2']));
  });

  it('refuses with 403 a batch with an event of a source outside the key, naming it, and stores none of the batch', async () => {
    const deadLetters = published.deadLetters.length;
    const response = await post([event('mixed-1', 'zendesk'), event('mixed-2', 'stripe'), { id: 'broken' }], keys.zendesk);
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toMatch(/may send events of zendesk only.*"stripe" \(item 1\).*nothing was stored/);
    expect(published.events.map((e) => e.id)).not.toContain('mixed-1');
    expect(published.deadLetters.length).toBe(deadLetters);
  });

  it('takes any source with a key for any source, and keeps a malformed item of an authenticated request as a dead letter', async () => {
    const deadLetters = published.deadLetters.length;
    const response = await post([event('any-1', 'stripe'), event('any-2', 'connect'), { id: 'broken' }], keys.any);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ accepted: 2, rejected: 1 });
    expect(published.deadLetters.length).toBe(deadLetters + 1);
  });
});
