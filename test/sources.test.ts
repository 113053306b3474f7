import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countDeadLettersByReason, countEvents, readAllEvents } from '@seamline/clickhouse';
import { EMPTY_ORG_MAP } from '@seamline/journeys';
import { runCli } from './support/cli.ts';
import { startPipeline, type Pipeline } from './support/pipeline.ts';
import { waitFor } from './support/wait.ts';

const fixtures = fileURLToPath(new URL('../packages/sources/fixtures/', import.meta.url));
const fixture = (source: string, name: string) => readFileSync(join(fixtures, source, name), 'utf8');
const fixtureNames = (source: string) => readdirSync(join(fixtures, source)).filter((f) => f.endsWith('.json'));

const secrets = {
  zendeskWebhookSecret: 'zendesk-signing-secret',
  connectToken: 'connect-token-0123456789',
  stripeWebhookSecret: 'whsec_test_secret',
};

function zendeskHeaders(body: string, secret = secrets.zendeskWebhookSecret) {
  const timestamp = new Date().toISOString();
  const signature = createHmac('sha256', secret).update(timestamp + body).digest('base64');
  return { 'content-type': 'application/json', 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp };
}

function stripeHeaders(body: string, secret = secrets.stripeWebhookSecret) {
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${v1}` };
}

const connectHeaders = (token = secrets.connectToken) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

/** Fixtures that describe input Seamline must refuse, by design of the adapter. */
const REFUSED = new Set(['customer-created-unhandled.json']);

describe('vendor sources end to end: webhook → ingest → Kafka → stitcher → ClickHouse', () => {
  let pipeline: Pipeline;
  const stored = new Set<string>();
  let deadLettered = 0;
  beforeAll(async () => {
    pipeline = await startPipeline('sources', () => EMPTY_ORG_MAP, {
      sourceSecrets: secrets,
      translatorOptions: { zendeskGroups: { '360011': 'Billing Tier 1', '360012': 'Tech Support' } },
    });
  });
  afterAll(async () => pipeline?.close());

  const post = (source: string, body: string, headers: Record<string, string>) =>
    pipeline.ingest.inject({ method: 'POST', url: `/v1/sources/${source}`, payload: body, headers });

  it.each([
    ['zendesk', (body: string) => zendeskHeaders(body)],
    ['connect', () => connectHeaders()],
    ['stripe', (body: string) => stripeHeaders(body)],
  ] as const)('stores every %s fixture exactly once, redelivered or not', async (source, headers) => {
    for (const name of fixtureNames(source)) {
      const body = fixture(source, name);
      const first = await post(source, body, headers(body));
      if (REFUSED.has(name)) {
        expect(first.statusCode, name).toBe(422);
        expect(first.json().deadLettered).toBe(true);
        deadLettered += 1;
        continue;
      }
      expect(first.statusCode, `${name}: ${first.body}`).toBe(200);
      for (const id of first.json().events as string[]) stored.add(id);
      const again = await post(source, body, headers(body)); // the vendor retries: same ids
      expect(again.json().events).toEqual(first.json().events);
    }
    await waitFor(`${source} events in ClickHouse`, async () => (await countEvents(pipeline.clickhouse.client)).ids === stored.size && (await pipeline.drained()));
    const events = await readAllEvents(pipeline.clickhouse.client);
    expect(events.filter((e) => e.source === source).length).toBeGreaterThan(0);
    expect(await countEvents(pipeline.clickhouse.client)).toEqual({ rows: stored.size, ids: stored.size });
  });

  it('names a group from the lookup and a transfer leg as its own queue', async () => {
    const events = await readAllEvents(pipeline.clickhouse.client);
    expect(events.some((e) => e.source === 'zendesk' && e.type === 'ticket.reassigned' && e.queue === 'Tech Support')).toBe(true);
    expect(events.some((e) => e.source === 'connect' && e.type === 'call.transferred')).toBe(true);
    expect(events.some((e) => e.source === 'stripe' && e.type === 'billing.payment_failed' && e.customer.billingId)).toBe(true);
  });

  it('refuses a wrong signature, a wrong token and an unknown source, keeping each as a dead letter', async () => {
    const body = fixture('zendesk', fixtureNames('zendesk')[0]!);
    const forged = await post('zendesk', body, zendeskHeaders(body, 'not-the-secret'));
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error).toMatch(/^unauthenticated: /);
    const stripeBody = fixture('stripe', 'invoice-paid.json');
    expect((await post('stripe', stripeBody, stripeHeaders(stripeBody, 'whsec_wrong'))).statusCode).toBe(401);
    expect((await post('connect', '{}', connectHeaders('a-wrong-token-of-some-length'))).statusCode).toBe(401);
    const unknown = await post('salesforce', '{"a":1}', { 'content-type': 'application/json' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('unknown source "salesforce" (known: zendesk, connect, stripe)');
    const garbage = await post('connect', '{"Records": [', connectHeaders());
    expect(garbage.statusCode).toBe(422);
    expect(garbage.json().error).toMatch(/^body is not valid JSON/);

    await waitFor('the dead letters', async () => {
      const counts = await countDeadLettersByReason(pipeline.clickhouse.client);
      return Object.values(counts).reduce((a, b) => a + b, 0) === deadLettered + 5;
    });
    const storedIds = (await countEvents(pipeline.clickhouse.client)).ids;
    expect(storedIds).toBe(stored.size); // nothing refused was stored
  });
});

describe('CSV import through Kafka', () => {
  it('reads the mapping, produces rows to the topic and the stitcher stores them; bad rows are dead letters', async () => {
    const pipeline = await startPipeline('csv', () => EMPTY_ORG_MAP);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'seamline-csv-'));
      const mapping = join(dir, 'mapping.json');
      writeFileSync(
        mapping,
        JSON.stringify({
          columns: { id: 'event_id', type: 'event_type', occurredAt: 'at', 'customer.email': 'email', contactId: 'case', queue: 'queue' },
          constants: { source: 'legacy-crm', channel: 'email' },
          values: { type: { opened: 'ticket.created', moved: 'ticket.reassigned' } },
        }),
      );
      const file = join(dir, 'cases.csv');
      writeFileSync(
        file,
        [
          'event_id,event_type,at,email,case,queue',
          'r1,opened,2026-03-01T10:00:00Z,Ann@Example.com,case-1,"Billing, Tier 1"',
          'r2,moved,2026-03-01T11:00:00Z,ann@example.com,case-1,Tech Support',
          'r3,opened,yesterday,bob@example.com,case-2,Billing',
          'r1,opened,2026-03-01T10:00:00Z,Ann@Example.com,case-1,"Billing, Tier 1"',
        ].join('\n'),
      );
      const env = { KAFKA_BROKERS: pipeline.brokers.join(','), KAFKA_TOPIC_PREFIX: pipeline.topics.raw.replace('cx.raw.v1', '') };
      const run = await runCli(['import', file, '--format', 'csv', '--mapping', mapping, '--json'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ accepted: 2, duplicates: 1, deadLetters: 1 });
      await waitFor('the rows in ClickHouse', async () => (await countEvents(pipeline.clickhouse.client)).ids === 2);
      const events = await readAllEvents(pipeline.clickhouse.client);
      expect(events.map((e) => [e.id, e.type, e.queue, e.customer.email])).toEqual([
        ['legacy-crm-r1', 'ticket.created', 'Billing, Tier 1', 'ann@example.com'],
        ['legacy-crm-r2', 'ticket.reassigned', 'Tech Support', 'ann@example.com'],
      ]);
      await waitFor('the bad row as a dead letter', async () => Object.keys(await countDeadLettersByReason(pipeline.clickhouse.client)).length === 1);
      const [reason] = Object.keys(await countDeadLettersByReason(pipeline.clickhouse.client));
      expect(reason).toMatch(/^line 4: /);
    } finally {
      await pipeline.close();
    }
  });
});
