import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAlertLog, readAlertStates, type ClickHouse } from '@seamline/clickhouse';
import { openTestClickHouse } from '@seamline/clickhouse/testing';
import { testStack } from '@seamline/infra/testing';
import type { OrgMap } from '@seamline/journeys';
import { TOPICS, type IncomingMessage } from '@seamline/kafka';
import { createMetricsRegistry } from '@seamline/http';
import { createLogger } from '@seamline/log';
import { createMetricsService } from '@seamline/metrics';
import { createBatchProcessor, createJourneyRefresher } from '@seamline/stitch';
import { buildDigest } from './digest.ts';
import { slackMessageSchema } from './messages.ts';
import { createWebhookNotifier } from './notify.ts';
import { parseAlertRules } from './rules.ts';
import { runAlertsOnce, type AlertsDeps } from './run.ts';
import { buildAlertsApp } from './app.ts';
import { alertsTelemetry } from './telemetry.ts';

const logger = createLogger({ service: 'alerts-test', level: 'silent', pretty: false });
const WINDOWS = { repeatWindowMs: 7 * 86_400_000, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };
const ORG_MAP: OrgMap = {
  queues: {
    'Support Frontline': { team: 'support-frontline', silo: 'support' },
    'Billing Tier 1': { team: 'billing-t1', silo: 'billing' },
  },
};
const MINUTE = 60_000;

// The seeded organisation (2026-03-02, -09, -16 and -23 are Mondays):
// - the week before 2026-03-02: three one-off support contacts;
// - the week of 2026-03-02: support-frontline's customers come back (9 contacts, 5 repeats: a
//   repeat rate of 0.56, a breach of "above 0.3"); customer b is transferred to billing and
//   comes back to support (a transfer and a bounce); one billing-t1 contact;
// - the week of 2026-03-09: nothing;
// - the week of 2026-03-16: four one-off support contacts (repeat rate 0: recovered).
function ticket(id: string, at: string, email: string, queue = 'Support Frontline') {
  return { id, type: 'ticket.created', occurredAt: at, source: 'zendesk', customer: { email }, contactId: id, queue, channel: 'email' };
}
const EVENTS = [
  ticket('p1', '2026-02-25T10:00:00Z', 'p1@example.com'),
  ticket('p2', '2026-02-26T10:00:00Z', 'p2@example.com'),
  ticket('p3', '2026-02-27T10:00:00Z', 'p3@example.com'),
  ticket('a1', '2026-03-03T09:00:00Z', 'a@example.com'),
  ticket('a2', '2026-03-04T09:00:00Z', 'a@example.com'),
  ticket('a3', '2026-03-05T09:00:00Z', 'a@example.com'),
  ticket('b1', '2026-03-03T10:00:00Z', 'b@example.com'),
  { ...ticket('b1-moved', '2026-03-03T11:00:00Z', 'b@example.com', 'Billing Tier 1'), type: 'ticket.reassigned', contactId: 'b1' },
  ticket('b2', '2026-03-04T10:00:00Z', 'b@example.com'),
  ticket('c1', '2026-03-03T12:00:00Z', 'c@example.com'),
  ticket('c2', '2026-03-05T12:00:00Z', 'c@example.com'),
  ticket('d1', '2026-03-04T12:00:00Z', 'd@example.com'),
  ticket('d2', '2026-03-06T12:00:00Z', 'd@example.com'),
  ticket('e1', '2026-03-04T15:00:00Z', 'e@example.com', 'Billing Tier 1'),
  ticket('f1', '2026-03-17T10:00:00Z', 'f@example.com'),
  ticket('g1', '2026-03-18T10:00:00Z', 'g@example.com'),
  ticket('h1', '2026-03-19T10:00:00Z', 'h@example.com'),
  ticket('i1', '2026-03-20T10:00:00Z', 'i@example.com'),
];

/** A local webhook: records every request; /flaky answers 500 while `failing`. */
interface Receiver {
  url: string;
  failing: boolean;
  requests: { path: string; status: number; body: unknown }[];
  /** Bodies answered 2xx on a path: what a chat would have shown. */
  delivered(path: string): { text: string }[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const state = { failing: false };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const path = request.url ?? '/';
      const status = path === '/flaky' && state.failing ? 500 : 200;
      requests.push({ path, status, body: JSON.parse(body) });
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get failing() {
      return state.failing;
    },
    set failing(value: boolean) {
      state.failing = value;
    },
    requests,
    delivered: (path) => requests.filter((r) => r.path === path && r.status === 200).map((r) => r.body as { text: string }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let clickhouse: ClickHouse;
let receiver: Receiver;
let metrics: ReturnType<typeof createMetricsService>;

beforeAll(async () => {
  clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  receiver = await startReceiver();
  // Seeded as the stitcher stores them: events, identities, then contacts, journeys and handoffs.
  const journeys = createJourneyRefresher(clickhouse.client, { orgMap: () => ORG_MAP, ...WINDOWS }, logger);
  await journeys.ensureCurrent();
  const processBatch = createBatchProcessor(clickhouse.client, logger, { journeys });
  const messages: IncomingMessage[] = EVENTS.map((event, i) => ({
    topic: TOPICS.raw, partition: 0, offset: String(i), key: null, value: Buffer.from(JSON.stringify(event)), timestamp: '0',
  }));
  expect(await processBatch(messages)).toMatchObject({ accepted: EVENTS.length, deadLetters: 0 });
  metrics = createMetricsService(clickhouse.client, () => ORG_MAP, WINDOWS);
});
afterAll(async () => {
  await receiver?.close();
  await clickhouse?.close();
});

/** Deps as the service builds them; a new object per call is what a restart sees. */
function deps(rulesYaml: string): AlertsDeps {
  const notifier = createWebhookNotifier({ logger, timeoutMs: 5_000, attempts: 3, backoffMs: 1, sleep: async () => {} });
  return { client: clickhouse.client, metrics, rules: parseAlertRules(rulesYaml, 'alerts.yaml'), notifier, logger };
}

const rulesTo = (name: string, path: string) => `
webhooks:
  leads: ${receiver.url}${path}
rules:
  - name: ${name}
    metric: repeatRate
    scope: { team: support-frontline }
    above: 0.3
    window: 7d
    minContacts: 3
    webhook: leads
`;

describe('alerts against a local webhook', () => {
  const breachAt = new Date('2026-03-09T00:00:00Z');
  const quietAt = new Date('2026-03-16T00:00:00Z');
  const clearAt = new Date('2026-03-23T00:00:00Z');

  it('sends exactly one alert for a seeded breach and then exactly one recovery', async () => {
    const rules = rulesTo('support repeats', '/alerts');
    const first = await runAlertsOnce(deps(rules), breachAt);
    expect(first.rules).toEqual([
      { rule: 'support repeats', scopeKey: 'team:support-frontline', status: 'breached', value: 0.555556, message: 'alert', delivered: true },
    ]);
    expect(receiver.delivered('/alerts')).toHaveLength(1);

    // Still breached: nothing, also after a restart (state is read back from ClickHouse).
    await runAlertsOnce(deps(rules), new Date(breachAt.getTime() + 5 * MINUTE));
    const restarted = await runAlertsOnce(deps(rules), new Date(breachAt.getTime() + 10 * MINUTE));
    expect(restarted.rules[0]).toMatchObject({ status: 'breached', value: 0.555556 });
    expect(restarted.rules[0]?.message).toBeUndefined();
    expect(receiver.delivered('/alerts')).toHaveLength(1);

    // A week without contacts is insufficient data: no recovery for a team gone quiet.
    const quiet = await runAlertsOnce(deps(rules), quietAt);
    expect(quiet.rules[0]).toMatchObject({ status: 'insufficient data', reason: 'insufficient data: 0 contacts, the rule needs 3' });
    expect(receiver.delivered('/alerts')).toHaveLength(1);

    // The window no longer holds the repeats: one recovery, then nothing more.
    const cleared = await runAlertsOnce(deps(rules), clearAt);
    expect(cleared.rules[0]).toMatchObject({ status: 'ok', value: 0, message: 'recovery', delivered: true });
    await runAlertsOnce(deps(rules), new Date(clearAt.getTime() + 5 * MINUTE));
    await runAlertsOnce(deps(rules), new Date(clearAt.getTime() + 10 * MINUTE));

    const bodies = receiver.delivered('/alerts');
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(slackMessageSchema.parse(body)).toEqual(body);
    expect(bodies[0]!.text).toContain('Alert "support repeats": Repeat rate of team support-frontline is 55.6%, above 30%');
    expect(bodies[1]!.text).toContain('Recovered "support repeats": Repeat rate of team support-frontline is 0%, no longer above 30%');
    expect(bodies[1]!.text).toContain('breached since 2026-03-09 00:00 UTC');

    const log = [...(await readAlertLog(clickhouse.client, { kind: 'alert' })), ...(await readAlertLog(clickhouse.client, { kind: 'recovery' }))];
    expect(log.filter((row) => row.rule_name === 'support repeats').map((row) => [row.kind, row.webhook, row.value])).toEqual([
      ['alert', 'leads', 0.555556],
      ['recovery', 'leads', 0],
    ]);
    const state = (await readAlertStates(clickhouse.client)).find((row) => row.rule_name === 'support repeats');
    expect(state).toMatchObject({ scope_key: 'team:support-frontline', state: 'ok', since: clearAt.toISOString(), last_value: 0 });
  });

  it('keeps the state when the webhook fails (500) and delivers the alert on the next run', async () => {
    const rules = rulesTo('support repeats via a flaky hook', '/flaky');
    receiver.failing = true;
    const failed = await runAlertsOnce(deps(rules), breachAt);
    expect(failed.rules[0]).toMatchObject({ status: 'ok', message: 'alert', delivered: false, reason: 'HTTP 500' });
    expect(receiver.requests.filter((r) => r.path === '/flaky')).toHaveLength(3);
    expect((await readAlertStates(clickhouse.client)).some((row) => row.rule_name === 'support repeats via a flaky hook')).toBe(false);

    receiver.failing = false;
    const retried = await runAlertsOnce(deps(rules), new Date(breachAt.getTime() + 5 * MINUTE));
    expect(retried.rules[0]).toMatchObject({ status: 'breached', message: 'alert', delivered: true });
    await runAlertsOnce(deps(rules), new Date(breachAt.getTime() + 10 * MINUTE));
    expect(receiver.delivered('/flaky')).toHaveLength(1);
    const state = (await readAlertStates(clickhouse.client)).find((row) => row.rule_name === 'support repeats via a flaky hook');
    expect(state).toMatchObject({ state: 'breached', since: new Date(breachAt.getTime() + 5 * MINUTE).toISOString() });
  });
});

describe('the weekly digest', () => {
  const week = new Date('2026-03-09T08:00:00Z');

  it('gives a team its figures, the change from the week before and its three worst journeys', async () => {
    const digest = await buildDigest('support-frontline', { metrics, client: clickhouse.client }, week);
    expect(digest.period).toEqual({ from: '2026-03-02T08:00:00.000Z', to: '2026-03-09T08:00:00.000Z' });
    expect(digest.figures).toMatchObject({ scope: { team: 'support-frontline' }, contacts: 9, repeatContacts: 5, repeatRate: 0.555556, transfers: 1, bounces: 1 });
    expect(digest.previous).toMatchObject({ contacts: 3, repeatContacts: 0, repeatRate: 0 });
    expect(digest.change).toMatchObject({ contacts: 6, repeatContacts: 5, repeatRate: 0.555556, fcrRate: null });
    // Most contacts first (a: 3), then most handoffs (b: a transfer and a bounce), then the earliest (c).
    expect(digest.worstJourneys.map((j) => [j.start, j.contacts, j.handoffs, j.cross_silo])).toEqual([
      ['2026-03-03T09:00:00.000Z', 3, 0, false],
      ['2026-03-03T10:00:00.000Z', 2, 2, true],
      ['2026-03-03T12:00:00.000Z', 2, 0, false],
    ]);
  });

  it('is sent once per team and week at the configured hour', async () => {
    const rules = `digest: { weekday: monday, hour: 8, webhook: "${receiver.url}/digest", teams: all }\n`;
    expect((await runAlertsOnce(deps(rules), new Date(week.getTime() - MINUTE))).digests).toEqual([]);
    const sent = await runAlertsOnce(deps(rules), new Date(week.getTime() + 2 * MINUTE));
    expect(sent.digests).toEqual([
      { team: 'billing-t1', week: week.toISOString(), delivered: true },
      { team: 'support-frontline', week: week.toISOString(), delivered: true },
    ]);
    expect((await runAlertsOnce(deps(rules), new Date(week.getTime() + 7 * MINUTE))).digests).toEqual([]);

    const bodies = receiver.delivered('/digest');
    expect(bodies.map((b) => b.text.split(',')[0])).toEqual(['Weekly digest for team billing-t1', 'Weekly digest for team support-frontline']);
    expect(bodies[1]!.text).toContain('contacts 9 (+6), repeat rate 55.6% (+55.6 pp)');
    expect(JSON.stringify(bodies[1])).toContain('3 contacts, 0 handoffs');
    const log = await readAlertLog(clickhouse.client, { kind: 'digest', periodKey: week.toISOString() });
    expect(log.map((row) => row.scope_key)).toEqual(['team:billing-t1', 'team:support-frontline']);
  });
});

describe('the alerts /metrics', () => {
  it('counts rule evaluations by status, says when the rules last ran, how fresh the tables are, and the build', async () => {
    const registry = createMetricsRegistry('alerts');
    const telemetry = alertsTelemetry(registry, clickhouse.client, metrics);
    const now = new Date('2026-03-20T12:00:00Z');
    const report = await runAlertsOnce(deps(rulesTo('metrics-rule', '/metrics-rule')), now);
    telemetry.run(report, now);
    const app = buildAlertsApp({ clickhouse: clickhouse.client, logger, scheduling: () => true, registry });
    try {
      const body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      const status = report.rules[0]!.status;
      expect(body).toContain(`seamline_alerts_rule_evaluations_total{status="${status}",service="alerts"} 1`);
      expect(body).toContain(`seamline_alerts_last_run_timestamp_seconds{service="alerts"} ${now.getTime() / 1000}`);
      expect(body).toMatch(/^seamline_tables_model_current\{service="alerts"\} 1$/m);
      expect(body).toMatch(/^seamline_tables_latest_event_age_seconds\{service="alerts"\} [\d.]+$/m);
      expect(body).toMatch(/^seamline_build_info\{[^}]*\} 1$/m);
    } finally {
      await app.close();
    }
  });
});
