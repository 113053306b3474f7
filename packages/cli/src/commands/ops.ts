import { InvalidArgumentError, type Command } from 'commander';
import { appliedMigrationVersions, clickhouseSettingsFromEnv, connectClickHouse, migrate } from '@seamline/clickhouse';
import { createKafka, ensureTopics, topicNames } from '@seamline/kafka';
import { createLogger } from '@seamline/log';
import { cliKafkaSettings, loadCliConfig } from '../env.ts';
import { openRuntime } from '../embedded/runtime.ts';
import { loadOpsConfig } from '../ops/env.ts';
import { formatCheck, runDoctor } from '../ops/doctor.ts';
import { replayTopic } from '../ops/replay.ts';
import { createProgress } from '../progress.ts';

const offset = (flag: string) => (value: string): bigint => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`${flag} must be an offset, a whole number from 0 (got "${value}")`);
  return BigInt(value);
};

const isoTime = (value: string): Date => {
  const time = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(time.getTime())) throw new InvalidArgumentError(`--from-time must be an ISO time such as 2026-03-01T00:00:00Z (got "${value}")`);
  return time;
};

function requireBrokers(command: string, brokers: string[] | undefined): string[] {
  if (!brokers) throw new Error(`${command}: KAFKA_BROKERS is not set — set KAFKA_BROKERS=host:9092 (the cluster to use)`);
  return brokers;
}

function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply the ClickHouse migrations to the configured store (CLICKHOUSE_URL or SEAMLINE_DATA_DIR)')
    .option('--json', 'print {"location", "database", "versions", "new"} as JSON')
    .action(async (flags: { json?: boolean }) => {
      const clickhouse = await connectClickHouse(clickhouseSettingsFromEnv(loadCliConfig()));
      try {
        const before = new Set(await appliedMigrationVersions(clickhouse.client));
        const versions = await migrate(clickhouse.client);
        const fresh = versions.filter((v) => !before.has(v));
        const result = { location: clickhouse.location, database: clickhouse.database, versions, new: fresh };
        if (flags.json) console.log(JSON.stringify(result));
        else {
          console.log(`migrated ${clickhouse.mode} ClickHouse at ${clickhouse.location}, database ${clickhouse.database}`);
          console.log(`versions applied: ${versions.join(', ')}`);
          console.log(fresh.length > 0 ? `new this run: ${fresh.join(', ')}` : 'new this run: none (all were already applied)');
        }
      } finally {
        await clickhouse.close();
      }
    });
}

function registerTopics(program: Command): void {
  program
    .command('topics')
    .description('the Kafka topics')
    .command('create')
    .description('create the missing topics on KAFKA_BROKERS (named with KAFKA_TOPIC_PREFIX)')
    .option('--json', 'print {"created", "existing"} as JSON')
    .action(async (flags: { json?: boolean }) => {
      const config = loadCliConfig();
      const brokers = requireBrokers('topics create', config.KAFKA_BROKERS);
      const logger = createLogger({ service: 'seamline', level: 'warn', destination: 'stderr' });
      const topics = topicNames(config.KAFKA_TOPIC_PREFIX);
      const created = await ensureTopics(createKafka(cliKafkaSettings(config, brokers, 'seamline-cli'), logger), topics);
      const existing = Object.values(topics).filter((t) => !created.includes(t));
      if (flags.json) console.log(JSON.stringify({ created, existing }));
      else {
        for (const topic of created) console.log(`created  ${topic}`);
        for (const topic of existing) console.log(`existing ${topic}`);
      }
    });
}

interface ReplayFlags {
  topic: string;
  fromOffset?: bigint;
  fromTime?: Date;
  toOffset?: bigint;
  json?: boolean;
}

function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-read a range of a topic into the configured store with a consumer group of its own (idempotent)')
    .requiredOption('--topic <topic>', '"raw", "deadletter", or a full topic name')
    .option('--from-offset <n>', 'first offset to read, in every partition', offset('--from-offset'))
    .option('--from-time <iso>', 'read from the first message at or after this time', isoTime)
    .option('--to-offset <n>', 'last offset to read (inclusive), in every partition; default: the end at start', offset('--to-offset'))
    .option('--json', 'print {"messages", "accepted", "duplicates", "deadLetters"} as JSON')
    .action(async (flags: ReplayFlags) => {
      if ((flags.fromOffset === undefined) === (flags.fromTime === undefined)) throw new Error('replay: give one of --from-offset N or --from-time ISO');
      const config = loadOpsConfig();
      const brokers = requireBrokers('replay', config.KAFKA_BROKERS);
      const runtime = await openRuntime(config, { quiet: true });
      try {
        const range = { topic: flags.topic, fromOffset: flags.fromOffset, fromTime: flags.fromTime, toOffset: flags.toOffset };
        const totals = await replayTopic(runtime, { ...config, KAFKA_BROKERS: brokers }, range, createProgress('replaying', 'events'));
        if (flags.json) console.log(JSON.stringify(totals));
        else console.log(`replayed ${totals.messages} messages: accepted ${totals.accepted}, duplicates ${totals.duplicates}, dead letters ${totals.deadLetters}`);
      } finally {
        await runtime.close();
      }
    });
}

function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check configuration, ClickHouse, Kafka, stitcher lag, the org map and dead letters; exit 1 on a problem')
    .option('--json', 'print {"ok", "checks"} as JSON')
    .action(async (flags: { json?: boolean }) => {
      const checks = await runDoctor(createLogger({ service: 'seamline', level: 'silent', destination: 'stderr' }));
      const ok = checks.every((c) => c.status !== 'problem');
      if (flags.json) console.log(JSON.stringify({ ok, checks }));
      else {
        for (const check of checks) console.log(formatCheck(check));
        console.log(ok ? 'no problems found' : `${checks.filter((c) => c.status === 'problem').length} problem(s) found`);
      }
      if (!ok) process.exitCode = 1;
    });
}

/** Operations: migrate, topics create, replay, doctor. */
export function registerOps(program: Command): void {
  registerMigrate(program);
  registerTopics(program);
  registerReplay(program);
  registerDoctor(program);
}
