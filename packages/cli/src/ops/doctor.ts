import { cliKafkaSettings } from '../env.ts';
import { ConfigError, JOURNEY_DEFAULTS } from '@seamline/config';
import { appliedMigrationVersions, clickhouseSettingsFromEnv, connectClickHouse, countDeadLettersByReason, readMigrations, type ClickHouse } from '@seamline/clickhouse';
import { EMPTY_ORG_MAP, loadOrgMap, type OrgMap } from '@seamline/journeys';
import { consumerLag, createKafka, topicNames } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import { unmappedQueues } from '@seamline/metrics';
import { loadOpsConfig, type OpsConfig } from './env.ts';

/** warn: the deployment works, but something in the data wants a person's attention. */
export type CheckStatus = 'ok' | 'warn' | 'problem';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about it, for warn and problem. */
  fix?: string;
}

/** How to fix each variable, with a value that works. */
const FIXES: Record<string, string> = {
  KAFKA_BROKERS: 'set KAFKA_BROKERS=host:9092 (comma-separated host:port), or unset it for the embedded mode',
  KAFKA_TOPIC_PREFIX: 'set KAFKA_TOPIC_PREFIX=staging. (letters, digits, ".", "_" and "-")',
  CLICKHOUSE_URL: 'set CLICKHOUSE_URL=http://localhost:8123, or unset it for the embedded engine',
  CLICKHOUSE_DATABASE: 'set CLICKHOUSE_DATABASE=seamline',
  SEAMLINE_REPEAT_WINDOW: `set SEAMLINE_REPEAT_WINDOW=${JOURNEY_DEFAULTS.repeatWindow}`,
  SEAMLINE_BILLING_WINDOW: `set SEAMLINE_BILLING_WINDOW=${JOURNEY_DEFAULTS.billingWindow}`,
  SEAMLINE_MAX_IDENTIFIERS: `set SEAMLINE_MAX_IDENTIFIERS=${JOURNEY_DEFAULTS.maxIdentifiers}`,
  LOG_LEVEL: 'set LOG_LEVEL=info',
};

const TIMEOUT_MS = 15_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The configuration, and the variables it had to drop (reported, then left at their defaults).
 * Loading again without the bad ones may reveal more (file-based variables are read first).
 */
function checkConfiguration(checks: Check[]): { config: OpsConfig; invalid: Set<string> } {
  const invalid = new Set<string>();
  for (;;) {
    try {
      const config = loadOpsConfig(Object.fromEntries([...invalid].map((v) => [v, ''])));
      if (invalid.size === 0) checks.push({ name: 'configuration', status: 'ok', detail: 'every variable is valid' });
      return { config, invalid };
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const fresh = error.problems.filter((p) => !invalid.has(p.variable.split('.')[0]!));
      if (fresh.length === 0) throw error;
      for (const p of fresh) {
        const variable = p.variable.split('.')[0]!;
        invalid.add(variable);
        checks.push({ name: 'configuration', status: 'problem', detail: `${variable}: ${p.problem}`, fix: FIXES[variable] ?? `correct or unset ${variable}` });
      }
    }
  }
}

async function checkOrgMap(config: OpsConfig, checks: Check[]): Promise<OrgMap | undefined> {
  if (!config.SEAMLINE_ORG_MAP) {
    checks.push({ name: 'org map', status: 'warn', detail: 'SEAMLINE_ORG_MAP not set: no queue maps to a team or silo', fix: 'set SEAMLINE_ORG_MAP=org.yaml' });
    return EMPTY_ORG_MAP;
  }
  try {
    const orgMap = await loadOrgMap(config.SEAMLINE_ORG_MAP);
    checks.push({ name: 'org map', status: 'ok', detail: `${config.SEAMLINE_ORG_MAP}: ${Object.keys(orgMap.queues).length} queues` });
    return orgMap;
  } catch (error) {
    checks.push({ name: 'org map', status: 'problem', detail: messageOf(error), fix: `correct that line of ${config.SEAMLINE_ORG_MAP}, or unset SEAMLINE_ORG_MAP` });
    return undefined;
  }
}

async function checkClickHouse(config: OpsConfig, logger: Logger, checks: Check[]): Promise<ClickHouse | undefined> {
  const fix = config.CLICKHOUSE_URL
    ? 'check CLICKHOUSE_URL, CLICKHOUSE_USER/CLICKHOUSE_PASSWORD, and that the server is up'
    : `check that ${config.SEAMLINE_DATA_DIR} is writable and no other process holds the embedded engine (SEAMLINE_DATA_DIR)`;
  let clickhouse: ClickHouse | undefined;
  try {
    clickhouse = await within(connectClickHouse(clickhouseSettingsFromEnv(config), logger), 'ClickHouse');
    const ping = await within(clickhouse.client.ping(), 'ClickHouse');
    if (!ping.success) throw ping.error;
    checks.push({ name: 'ClickHouse', status: 'ok', detail: `${clickhouse.mode} at ${clickhouse.location}, database ${clickhouse.database}` });
  } catch (error) {
    checks.push({ name: 'ClickHouse', status: 'problem', detail: messageOf(error), fix });
    await clickhouse?.close().catch(() => undefined);
    return undefined;
  }
  const expected = readMigrations().map((m) => m.version);
  const applied = new Set(await appliedMigrationVersions(clickhouse.client));
  const missing = expected.filter((v) => !applied.has(v));
  checks.push(
    missing.length === 0
      ? { name: 'migrations', status: 'ok', detail: `all ${expected.length} applied` }
      : { name: 'migrations', status: 'problem', detail: `not applied: ${missing.join(', ')}`, fix: 'run `seamline migrate`' },
  );
  return missing.length === 0 ? clickhouse : (await clickhouse.close(), undefined);
}

async function checkKafka(config: OpsConfig, invalid: Set<string>, logger: Logger, checks: Check[]): Promise<void> {
  if (invalid.has('KAFKA_BROKERS')) {
    checks.push({ name: 'Kafka', status: 'problem', detail: 'not checked: KAFKA_BROKERS is invalid', fix: FIXES.KAFKA_BROKERS! });
    return;
  }
  if (!config.KAFKA_BROKERS) {
    checks.push({ name: 'Kafka', status: 'ok', detail: 'not configured (embedded mode)' });
    return;
  }
  const kafka = createKafka(cliKafkaSettings(config, config.KAFKA_BROKERS, 'seamline-doctor'), logger);
  const admin = kafka.admin();
  const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
  try {
    const existing = new Set(await within(admin.connect().then(() => admin.listTopics()), 'Kafka'));
    checks.push({ name: 'Kafka', status: 'ok', detail: `connected to ${config.KAFKA_BROKERS.join(',')}` });
    const missing = Object.values(topics).filter((t) => !existing.has(t));
    if (missing.length > 0) {
      checks.push({ name: 'topics', status: 'problem', detail: `missing: ${missing.join(', ')}`, fix: 'run `seamline topics create` (check KAFKA_TOPIC_PREFIX)' });
      return;
    }
    checks.push({ name: 'topics', status: 'ok', detail: `${topics.raw}, ${topics.deadLetter}` });
    const lag = await within(consumerLag(kafka, config.STITCHER_GROUP_ID, topics.raw), 'Kafka');
    checks.push({ name: 'stitcher lag', status: 'ok', detail: `group ${config.STITCHER_GROUP_ID}: ${lag} messages behind on ${topics.raw}` });
  } catch (error) {
    checks.push({ name: 'Kafka', status: 'problem', detail: `${config.KAFKA_BROKERS.join(',')}: ${messageOf(error)}`, fix: 'check KAFKA_BROKERS and that the brokers are up and reachable' });
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function checkStoredData(clickhouse: ClickHouse, orgMap: OrgMap | undefined, checks: Check[]): Promise<void> {
  if (orgMap) {
    const { queues } = await unmappedQueues(clickhouse.client, orgMap);
    checks.push(
      queues.length === 0
        ? { name: 'unmapped queues', status: 'ok', detail: 'every queue seen is in the org map' }
        : { name: 'unmapped queues', status: 'warn', detail: `${queues.length}: ${queues.slice(0, 5).map((q) => q.queue).join(', ')}${queues.length > 5 ? ', …' : ''}`, fix: 'add them to the org map (`seamline org unmapped` lists them), then `seamline journeys rebuild`' },
    );
  }
  const byReason = Object.entries(await countDeadLettersByReason(clickhouse.client));
  const waiting = byReason.reduce((sum, [, n]) => sum + n, 0);
  checks.push(
    waiting === 0
      ? { name: 'dead letters', status: 'ok', detail: 'none waiting' }
      : { name: 'dead letters', status: 'warn', detail: `${waiting} waiting: ${byReason.map(([reason, n]) => `${reason} (${n})`).join('; ')}`, fix: '`seamline deadletters list` shows them; fix the cause, then `seamline deadletters replay`' },
  );
}

/** Every check, in the order a person would fix them. */
export async function runDoctor(logger: Logger): Promise<Check[]> {
  const checks: Check[] = [];
  const { config, invalid } = checkConfiguration(checks);
  const orgMap = await checkOrgMap(config, checks);
  const clickhouse = await checkClickHouse(config, logger, checks);
  await checkKafka(config, invalid, logger, checks);
  if (clickhouse) {
    try {
      await checkStoredData(clickhouse, orgMap, checks);
    } finally {
      await clickhouse.close();
    }
  }
  return checks;
}

export function formatCheck(check: Check): string {
  const mark = { ok: '[ok]     ', warn: '[warn]   ', problem: '[problem]' }[check.status];
  return `${mark} ${check.name}: ${check.detail}${check.fix ? ` — ${check.fix}` : ''}`;
}
