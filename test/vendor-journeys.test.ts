import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvents, readIdentities } from '@seamline/clickhouse';
import { testStack } from '@seamline/infra/testing';
import { parseOrgMap } from '@seamline/journeys';
import { runCli } from './support/cli.ts';
import { startPipeline, type Pipeline } from './support/pipeline.ts';
import { waitFor } from './support/wait.ts';

// Payloads shaped as the vendors document them (Zendesk ticket events and Ticket Audits,
// Stripe events with invoice and dispute objects, Amazon Connect contact records), in the order
// a deployment may see them: the requester's and the charge's owner become known last.
const fixtures = fileURLToPath(new URL('../packages/sources/fixtures/journeys/', import.meta.url));
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

const secrets = { zendeskWebhookSecret: 'zendesk-signing-secret', connectToken: 'connect-token-0123456789', stripeWebhookSecret: 'whsec_test_secret' };
const orgMap = parseOrgMap(
  JSON.stringify({ queues: { 'Billing Tier 1': { team: 'billing-t1', silo: 'billing' }, 'Tech Support': { team: 'tech', silo: 'technical' } } }),
  'org.json',
);

function headers(source: 'zendesk' | 'stripe' | 'connect', body: string): Record<string, string> {
  if (source === 'connect') return { 'content-type': 'application/json', authorization: `Bearer ${secrets.connectToken}` };
  if (source === 'zendesk') {
    const timestamp = new Date().toISOString();
    const signature = createHmac('sha256', secrets.zendeskWebhookSecret).update(timestamp + body).digest('base64');
    return { 'content-type': 'application/json', 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp };
  }
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secrets.stripeWebhookSecret).update(`${t}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${v1}` };
}

async function rows(pipeline: Pipeline, query: string): Promise<Array<Record<string, unknown>>> {
  const result = await pipeline.clickhouse.client.query({ query, format: 'JSONEachRow' });
  return result.json<Record<string, unknown>>();
}

describe('vendor payloads as the vendors send them land in the right journeys', () => {
  let pipeline: Pipeline;
  let accepted = 0;
  beforeAll(async () => {
    pipeline = await startPipeline('vendor-journeys', () => orgMap, {
      sourceSecrets: secrets,
      translatorOptions: { zendeskGroups: { '360011': 'Billing Tier 1', '360012': 'Tech Support' } },
    });
    const send: Array<['zendesk' | 'stripe' | 'connect', string]> = [
      ['zendesk', 'zendesk-ticket-created-requester-id.json'], // requester 5158, by id only
      ['stripe', 'stripe-charge-dispute-created.json'], // names only the charge
      ['connect', 'connect-transfer-to-external-number.json'],
      ['stripe', 'stripe-invoice-paid-with-charge.json'], // the charge's customer and email
      ['zendesk', 'zendesk-audits-page-requester.json'], // requester 5158 is rita.miller@example.org
    ];
    for (const [source, name] of send) {
      const body = fixture(name);
      const response = await pipeline.ingest.inject({ method: 'POST', url: `/v1/sources/${source}`, payload: body, headers: headers(source, body) });
      expect(response.statusCode, `${name}: ${response.body}`).toBe(200);
      accepted += (response.json().events as string[]).length;
    }
    await waitFor('every event stored and linked', async () => (await countEvents(pipeline.clickhouse.client)).ids === accepted && (await pipeline.drained()));
  });
  afterAll(async () => pipeline?.close());

  it('links the Zendesk requester id and the Stripe charge to the customer they belong to', async () => {
    const identities = await readIdentities(pipeline.clickhouse.client);
    const rita = identities.get('email:rita.miller@example.org');
    expect(rita).toBeDefined();
    expect(identities.get('sourceId:zendesk:user:5158')).toBe(rita);
    expect(identities.get('sourceId:stripe:charge:ch_3QdEm12eZvKYlo2C1R5m0v9A')).toBe(rita);
    expect(identities.get('billingId:cus_RxMiller01')).toBe(rita);
  });

  it('puts the ticket known only by its requester id and the later ticket in one journey, triggered by the dispute', async () => {
    const rita = (await readIdentities(pipeline.clickhouse.client)).get('email:rita.miller@example.org');
    const journeys = await rows(pipeline, `SELECT customer_id, contacts, cross_silo, billing_trigger_type FROM journeys_v2 FINAL WHERE is_deleted = 0 AND customer_id = '${rita}'`);
    // Ticket 5201 (by requester id, 10 Mar) and 5202 (11 Mar) are one journey; the dispute of
    // 9 Mar lies within 72 hours before it and is the latest billing event there.
    expect(journeys).toEqual([expect.objectContaining({ contacts: 2, billing_trigger_type: 'billing.dispute_opened' })]);
    // 5202 moved from billing to tech: a cross-silo transfer.
    expect(journeys[0]!.cross_silo).toBe(1);
  });

  it('counts a call transferred to an outside number as a cross-silo transfer to an external team', async () => {
    const handoffs = await rows(pipeline, `SELECT kind, from_team, to_team, from_silo, to_silo, cross_silo FROM handoffs_v2 FINAL WHERE is_deleted = 0 AND to_silo = 'external'`);
    expect(handoffs).toEqual([{ kind: 'transfer', from_team: 'tech', to_team: 'external:+493012345678', from_silo: 'technical', to_silo: 'external', cross_silo: 1 }]);
    const contacts = await rows(pipeline, `SELECT first_team, final_team, transfers FROM contacts_v2 FINAL WHERE is_deleted = 0 AND first_team = 'tech'`);
    expect(contacts).toEqual([{ first_team: 'tech', final_team: 'external:+493012345678', transfers: 1 }]);
  });
});

describe('dead letters of vendor payloads refused before sourceId existed', () => {
  it('are healed by replay: accepted once, and a second replay finds nothing', async () => {
    const stack = testStack();
    const dir = mkdtempSync(join(tmpdir(), 'seamline-heal-'));
    const env = {
      SEAMLINE_DATA_DIR: dir,
      CLICKHOUSE_DATABASE: `seamline_heal_${process.pid}`,
      ZENDESK_GROUPS: writeJson(join(dir, 'groups.json'), { '360011': 'Billing Tier 1' }),
      ...(stack.clickhouseUrl && { CLICKHOUSE_URL: stack.clickhouseUrl }),
    };
    // As the adapters of the previous version refused them, with their reasons.
    const letters = join(dir, 'letters.json');
    writeJson(letters, [
      {
        source: 'zendesk',
        payload: fixture('zendesk-ticket-created-requester-id.json'),
        reason: 'detail.requester: ticket 5201 has no requester email or phone; add a requester object ({ email, phone }) to the webhook body',
        path: 'detail.requester',
      },
      { source: 'stripe', payload: fixture('stripe-charge-dispute-created.json'), reason: 'dispute has no customer; expand charge.customer', path: 'data.object.charge' },
    ]);
    const stored = await run(['--import', 'tsx', 'test/support/store-dead-letters.ts', letters], env);
    expect(stored.code, stored.stderr).toBe(0);
    const replay = async () => JSON.parse((await runCli(['deadletters', 'replay', '--json'], env)).stdout) as Record<string, number>;
    expect(await replay()).toEqual({ replayed: 2, accepted: 2, duplicates: 0, stillFailing: 0 });
    expect(await replay()).toEqual({ replayed: 0, accepted: 0, duplicates: 0, stillFailing: 0 });
  });
});

function writeJson(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value));
  return path;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: fileURLToPath(new URL('..', import.meta.url)), env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}
