import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectClickHouse, countEvents } from '@seamline/clickhouse';
import { testStack } from '@seamline/infra/testing';
import { consumerLag, createEventProducer, createKafka, ensureTopics, eventMessage, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { validateCanonicalEvent, type CanonicalEvent } from '@seamline/schemas';
import { runCli, type CliRun } from './support/cli.ts';
import { uniquePrefix } from './support/wait.ts';

const logger = createLogger({ service: 'e2e', level: 'warn', pretty: false });
const json = <T = Record<string, unknown>>(run: CliRun): T => {
  if (run.code !== 0) throw new Error(`seamline exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
};

function canonicalEvent(n: number): CanonicalEvent {
  const result = validateCanonicalEvent({
    id: `ops-${n}`,
    type: 'ticket.created',
    occurredAt: new Date(Date.UTC(2026, 2, 1) + n * 60_000).toISOString(),
    source: 'zendesk',
    customer: { email: `customer-${n % 7}@example.com` },
    contactId: `ticket-${n}`,
    queue: 'Q1',
    channel: 'email',
  });
  if (!result.ok) throw new Error(result.rejection.reason);
  return result.event;
}

describe('the operations commands', () => {
  const stack = testStack();
  const brokers = stack.kafkaBrokers.join(',');
  /** A store of its own for each test: the embedded engine serves one process at a time. */
  const store = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `seamline-ops-${name}-`));
    const database = `seamline_ops_${name.replace(/-/g, '_')}_${process.pid}`;
    return { dir, database, env: { SEAMLINE_DATA_DIR: dir, CLICKHOUSE_DATABASE: database, ...(stack.clickhouseUrl && { CLICKHOUSE_URL: stack.clickhouseUrl }) } };
  };

  it('migrate applies every migration to a fresh store and reports none new on a second run', async () => {
    const { env } = store('migrate');
    const first = json<{ versions: number[]; new: number[] }>(await runCli(['migrate', '--json'], env));
    expect(first.versions.length).toBeGreaterThan(0);
    expect(first.versions).toEqual([...first.versions].sort((a, b) => a - b));
    expect(first.new).toEqual(first.versions);
    const second = await runCli(['migrate'], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`versions applied: ${first.versions.join(', ')}`);
    expect(second.stdout).toContain('new this run: none');
  });

  it('topics create makes the prefixed topics, then reports them as existing', async () => {
    const prefix = uniquePrefix('ops-topics');
    const env = { KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix };
    const topics = [`${prefix}cx.raw.v1`, `${prefix}cx.deadletter.v1`, `${prefix}cx.stitched.v1`];
    expect(json(await runCli(['topics', 'create', '--json'], env))).toEqual({ created: topics, existing: [] });
    expect(json(await runCli(['topics', 'create', '--json'], env))).toEqual({ created: [], existing: topics });
    const human = await runCli(['topics', 'create'], env);
    expect(human.stdout).toContain(`existing ${topics[0]}`);
  });

  it('topics create without KAFKA_BROKERS names the variable and how to set it', async () => {
    const run = await runCli(['topics', 'create'], {});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('topics create: KAFKA_BROKERS is not set — set KAFKA_BROKERS=host:9092');
  });

  it('replay re-reads a topic into the store once, leaving the stitcher group untouched', async () => {
    const EVENTS = 40;
    const prefix = uniquePrefix('ops-replay');
    const topics = topicNames(prefix);
    const stitcherGroup = `${prefix}stitcher`;
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'ops-test' }, logger);
    await ensureTopics(kafka, topics);
    const producer = await createEventProducer(kafka);
    await producer.send(topics.raw, Array.from({ length: EVENTS }, (_, n) => eventMessage(canonicalEvent(n))));
    await producer.close();
    const { dir, database, env: storeEnv } = store('replay');
    const env = { ...storeEnv, KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix, STITCHER_GROUP_ID: stitcherGroup };

    const first = await runCli(['replay', '--topic', 'raw', '--from-offset', '0', '--json'], env);
    expect(json(first)).toEqual({ messages: EVENTS, accepted: EVENTS, duplicates: 0, deadLetters: 0 });
    expect(first.stderr).toMatch(/replaying: \d+ of 40/); // progress lines when stderr is not a terminal
    expect(json(await runCli(['replay', '--topic', 'raw', '--from-offset', '0', '--json'], env))).toEqual({
      messages: EVENTS,
      accepted: 0,
      duplicates: EVENTS,
      deadLetters: 0,
    });
    // --to-offset is inclusive per partition: offset 0 only is one message from each partition holding any.
    const admin = kafka.admin();
    await admin.connect();
    const nonEmpty = (await admin.fetchTopicOffsets(topics.raw)).filter((p) => Number(p.high) > 0).length;
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId);
    await admin.disconnect();
    expect(groups.filter((g) => g.startsWith('seamline-replay-'))).toEqual([]); // each replay removes its group
    expect(json(await runCli(['replay', '--topic', topics.raw, '--from-offset', '0', '--to-offset', '0', '--json'], env))).toMatchObject({
      messages: nonEmpty,
      duplicates: nonEmpty,
    });
    expect(json(await runCli(['replay', '--topic', 'raw', '--from-time', '2999-01-01T00:00:00Z', '--json'], env))).toEqual({
      messages: 0,
      accepted: 0,
      duplicates: 0,
      deadLetters: 0,
    });
    // The stitcher's group never committed anything: all of the topic is still its to read.
    expect(await consumerLag(kafka, stitcherGroup, topics.raw)).toBe(EVENTS);

    // Only now open the store in this process: the CLI has exited.
    const clickhouse = await connectClickHouse({ url: stack.clickhouseUrl, database, dataDir: dir });
    try {
      expect(await countEvents(clickhouse.client)).toEqual({ rows: EVENTS, ids: EVENTS });
    } finally {
      await clickhouse.close();
    }
  }, 180_000);

  it('replay refuses a missing range start and a missing topic with a message', async () => {
    const { env } = store('replay-bad');
    const noStart = await runCli(['replay', '--topic', 'raw'], { ...env, KAFKA_BROKERS: brokers });
    expect(noStart.code).toBe(1);
    expect(noStart.stderr).toContain('replay: give one of --from-offset N or --from-time ISO');
    const noTopic = await runCli(['replay', '--topic', 'no-such-topic', '--from-offset', '0'], { ...env, KAFKA_BROKERS: brokers });
    expect(noTopic.code).toBe(1);
    expect(noTopic.stderr).toContain('replay: topic no-such-topic does not exist');
  });

  it('doctor passes a good deployment and lists each check', async () => {
    const prefix = uniquePrefix('ops-doctor');
    const { dir, env: storeEnv } = store('doctor');
    writeFileSync(join(dir, 'org.yaml'), 'queues:\n  Q1: { team: t1, silo: s1 }\n');
    const env = { ...storeEnv, KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix, SEAMLINE_ORG_MAP: join(dir, 'org.yaml') };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    expect((await runCli(['topics', 'create'], env)).code).toBe(0);
    const run = await runCli(['doctor', '--json'], env);
    const report = json<{ ok: boolean; checks: { name: string; status: string }[] }>(run);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual([
      'configuration',
      'org map',
      'ClickHouse',
      'migrations',
      'Kafka',
      'topics',
      'stitcher lag',
      'unmapped queues',
      'dead letters',
    ]);
    expect(report.checks.every((c) => c.status === 'ok')).toBe(true);
    const human = await runCli(['doctor'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('stitcher lag: group seamline-stitcher: 0 messages behind');
    expect(human.stdout).toContain('no problems found');
  });

  it('doctor in embedded mode says Kafka is not configured and asks for migrations on a fresh store', async () => {
    const { env } = store('doctor-fresh');
    const run = await runCli(['doctor'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('[ok]      configuration: every variable is valid');
    expect(run.stdout).toContain('Kafka: not configured (embedded mode)');
    expect(run.stdout).toMatch(/\[problem\] migrations: not applied: .* — run `seamline migrate`/);
  });

  it('doctor names a bad KAFKA_BROKERS and how to fix it, and exits 1', async () => {
    const { env } = store('doctor-brokers');
    const run = await runCli(['doctor'], { ...env, KAFKA_BROKERS: 'bad' });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('[problem] configuration: KAFKA_BROKERS: each broker must be host:port — set KAFKA_BROKERS=host:9092');
    expect(run.stdout.match(/\[problem\] configuration/g)).toHaveLength(1); // only the bad variable
  });

  it('doctor names the file and line of a broken org map', async () => {
    const { dir, env } = store('doctor-org');
    writeFileSync(join(dir, 'org.yaml'), 'queues:\n  Q1: { team: t1 }\n');
    const run = await runCli(['doctor', '--json'], { ...env, SEAMLINE_ORG_MAP: join(dir, 'org.yaml') });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { ok: boolean; checks: { name: string; status: string; detail: string }[] };
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'org map')).toMatchObject({
      status: 'problem',
      detail: expect.stringMatching(/org\.yaml:2: queues\.Q1\.silo: missing/),
    });
  });
});
