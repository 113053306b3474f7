// Development stack by hand: `npm run infra:up` starts it and prints the variables to export;
// `npm run infra:down` stops it. Uses the same launcher as the tests.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, KAFKA_VERSION, startLocalKafka, stopProcess } from './local-kafka.ts';

const STATE = join(CACHE_DIR, 'stack', 'dev.json');

async function up(): Promise<void> {
  if (existsSync(STATE)) {
    const state = JSON.parse(readFileSync(STATE, 'utf8')) as { brokers: string[]; pid: number };
    console.log(`already running (pid ${state.pid}):\nexport KAFKA_BROKERS=${state.brokers.join(',')}`);
    return;
  }
  const version = process.env.SEAMLINE_KAFKA_VERSION || KAFKA_VERSION;
  const kafka = await startLocalKafka({ dataDir: join(CACHE_DIR, 'stack', 'dev-kafka'), version, detached: true });
  mkdirSync(join(CACHE_DIR, 'stack'), { recursive: true });
  writeFileSync(STATE, JSON.stringify({ brokers: kafka.brokers, pid: kafka.pid }));
  console.log(`Apache Kafka ${version} running (pid ${kafka.pid}); ClickHouse is the embedded engine unless CLICKHOUSE_URL is set.`);
  console.log(`export KAFKA_BROKERS=${kafka.brokers.join(',')}`);
}

async function down(): Promise<void> {
  if (!existsSync(STATE)) {
    console.log('nothing running');
    return;
  }
  const state = JSON.parse(readFileSync(STATE, 'utf8')) as { pid: number };
  await stopProcess(state.pid);
  rmSync(STATE);
  console.log(`stopped Kafka (pid ${state.pid})`);
}

const command = process.argv[2];
if (command === 'up') await up();
else if (command === 'down') await down();
else {
  console.error('usage: tsx infra/stack/cli.ts up|down');
  process.exit(2);
}
