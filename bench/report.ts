import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FreshnessParams, FreshnessResult } from './freshness.ts';
import { formatMs } from './stats.ts';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');
const README = join(BENCH_DIR, 'README.md');

/** The freshness target of the issue: reflected in the metrics within 5 s of acknowledgement. */
export const TARGET_MS = 5_000;

export interface Machine {
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  os: string;
  node: string;
}

export function machine(): Machine {
  const cores = cpus();
  return {
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    cpuCount: cores.length,
    totalMemoryBytes: totalmem(),
    os: `${platform()} ${release()}`,
    node: process.version,
  };
}

export interface BenchRecord {
  benchmark: 'freshness';
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: Machine;
  stack: { kind: string; description: string; kafkaVersion: string };
  clickhouse: FreshnessResult['clickhouse'];
  parameters: FreshnessParams;
  meetsTarget: boolean;
  results: Omit<FreshnessResult, 'clickhouse'>;
}

export function meetsTarget(result: FreshnessResult): boolean {
  const { freshnessMs, lost } = result.driver.probes;
  return freshnessMs.count > 0 && lost === 0 && freshnessMs.p99 !== null && freshnessMs.p99 <= TARGET_MS && result.eventsLost === 0;
}

/** bench/results/<ISO date-time>.json; ':' becomes '-' so the name is valid on every file system. */
export function writeRecord(record: BenchRecord): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${record.startedAt.replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

const HEADER = `# Benchmarks

## Freshness

**What is measured.** How long after ingest acknowledges an event (HTTP 200 on \`POST /v1/events\`)
the metric API reflects it, while ingest takes a steady load (target: 2,000 events/s, reflected
within 5 s). Also ingest's acknowledgement latency, the metric API's latency, and events lost
(accepted by ingest, not stored once the stitcher drained).

**How.** \`bench/run.ts\` starts the stack the tests use (\`infra/stack\`: a local Apache Kafka
broker from its jars, containers, or external services; ClickHouse embedded through chDB unless the
stack has a server). It wires ingest → Kafka → stitcher consumer → ClickHouse → metrics API in its
own process, with fresh topics and a fresh database, and serves ingest and the metric API on
127.0.0.1. The services thus share one process and one JavaScript thread, as the embedded engine
requires (it serves one process). A driver child process (so its timing is not held up by the
services' work) POSTs sample events from \`@seamline/generator\` in batches on an absolute schedule
(100 events every 50 ms for 2,000/s, at most 32 POSTs in flight; POSTs not sent when the time is up
are skipped, so a slow ingest shows as a lower achieved rate). A few times a second a batch also
carries a *probe*: a \`ticket.created\` of a new customer in its own queue \`bench-probe-<n>\`,
which, with an empty org map, is the team \`unmapped:bench-probe-<n>\`. From the acknowledgement of
its POST the driver polls \`GET
/v1/metrics/summary?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&team=unmapped:bench-probe-<n>\`
(by default every 50 ms, at most 8 polls in flight over all probes) until \`contacts\` is 1:
freshness is the time from the acknowledgement to that answer. A probe not seen within 30 s is lost
and counts as never in the percentiles. Probes of the warm-up seconds are not counted. The results
file also splits each probe's freshness at the end of the stitcher's batch that held it, and has the
services' CPU use and event-loop delay and the metric API's latency per request at the end. Each run
writes every figure, the machine and the parameters to \`bench/results/<date-time>.json\` and adds a
row below.

**Reading the figures.** The polls reach the same process, and the same JavaScript thread, as ingest
and the stitcher. When a summary request is expensive (\`apiLatencyAtEndMs\` and \`polls.latencyMs\`
in the results file; a metric API that recomputes from every stored event gets slower as the run
stores more), the default polling keeps that thread busy and slows ingest and the stitcher too; rows
with lighter polling (\`--probes-per-second\`, \`--max-polls\`, \`--poll-interval\`) show the
pipeline without most of that load. The results file splits each probe's freshness into ack → stored
(the stitcher's batch) and stored → shown (the metric API).

**Command.** \`npm run bench\` (2,000 events/s, 60 s measured after 10 s of warm-up, 5 probes/s);
\`npm run bench -- --quick\` for a 20 s smoke run; \`npm run bench -- --help\` lists the flags.
\`SEAMLINE_TEST_STACK\`, \`KAFKA_BROKERS\` and \`CLICKHOUSE_URL\` choose the stack as for the tests.

| date (UTC) | machine | command | rate achieved (events/s) | events | probes seen / counted | freshness p50 | freshness p99 | freshness max | events lost |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
`;

/** Adds the run's row to bench/README.md, creating the file with its explanation first. */
export function appendReadmeRow(record: BenchRecord): void {
  if (!existsSync(README)) writeFileSync(README, HEADER);
  const { driver, eventsLost, drained } = record.results;
  const fresh = driver.probes.freshnessMs;
  const timeout = record.parameters.probeTimeoutMs;
  const seen = driver.probes.list.filter((p) => !p.warmup && p.outcome === 'seen').length;
  const m = record.machine;
  const cells = [
    record.startedAt.slice(0, 16).replace('T', ' '),
    `${m.cpuCount}× ${m.cpuModel}, ${Math.round(m.totalMemoryBytes / 2 ** 30)} GiB, Node ${m.node}, ${record.stack.kind} Kafka ${record.stack.kafkaVersion}, ClickHouse ${record.clickhouse.mode}`,
    `\`${record.command}\``,
    String(driver.load.measured.achievedRate),
    String(driver.load.eventsAccepted),
    `${seen} / ${driver.probes.measured}`,
    formatMs(fresh.p50, timeout, fresh.count),
    formatMs(fresh.p99, timeout, fresh.count),
    formatMs(fresh.max, timeout, fresh.count),
    drained ? String(eventsLost) : `${eventsLost} (not drained)`,
  ];
  appendFileSync(README, `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |\n`);
}
