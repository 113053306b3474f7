// `npm run bench`: the freshness benchmark. Starts the stack, runs the scenario, writes
// bench/results/<date-time>.json and a row of bench/README.md, and stops everything it started.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, KAFKA_VERSION } from '@seamline/infra/local-kafka';
import { startStack, type Stack } from '@seamline/infra/stack';
import { createLogger } from '@seamline/log';
import { FlagError, parseFlags, USAGE } from './flags.ts';
import { runFreshness } from './freshness.ts';
import { appendReadmeRow, machine, meetsTarget, TARGET_MS, writeRecord, type BenchRecord } from './report.ts';
import { formatMs } from './stats.ts';

const argv = process.argv.slice(2);
let params;
try {
  params = parseFlags(argv);
} catch (error) {
  if (!(error instanceof FlagError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (params === 'help') {
  console.log(USAGE);
  process.exit(0);
}

const command = `${process.env.npm_lifecycle_event === 'bench' ? 'npm run bench' : 'tsx bench/run.ts'}${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`;
const logger = createLogger({ service: 'bench', level: process.env.LOG_LEVEL ?? 'warn', destination: 'stderr' });
const abort = new AbortController();
const onSignal = (signal: string) => {
  console.error(`[bench] ${signal}: stopping`);
  abort.abort();
};
process.once('SIGINT', () => onSignal('SIGINT'));
process.once('SIGTERM', () => onSignal('SIGTERM'));

const startedAt = new Date().toISOString();
console.log(`[bench] freshness: ${params.rate} events/s for ${params.warmupSeconds} s warm-up + ${params.seconds} s, ${params.probesPerSecond} probes/s`);
let stack: Stack | undefined;
try {
  stack = await startStack(process.env, (line) => console.log(`[stack] ${line}`));
  console.log(`[bench] stack: ${stack.description}`);
  if (abort.signal.aborted) throw new Error('aborted');
  const result = await runFreshness(stack, params, logger, abort.signal);
  const { clickhouse, ...results } = result;
  const record: BenchRecord = {
    benchmark: 'freshness',
    startedAt,
    finishedAt: new Date().toISOString(),
    command,
    machine: machine(),
    stack: {
      kind: stack.kind,
      description: stack.description,
      kafkaVersion: stack.kind === 'local' ? process.env.SEAMLINE_KAFKA_VERSION || KAFKA_VERSION : 'see description',
    },
    clickhouse,
    parameters: params,
    meetsTarget: meetsTarget(result),
    results,
  };
  const file = writeRecord(record);
  appendReadmeRow(record);
  printSummary(record);
  console.log(`[bench] results: ${file}; row added to bench/README.md`);
} catch (error) {
  console.error(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  await stack?.stop();
  // The local broker's log directory (see infra/stack/stack.ts) is this run's alone.
  if (stack?.kind === 'local') rmSync(join(CACHE_DIR, 'stack', `kafka-${process.pid}`), { recursive: true, force: true });
}
// Client libraries may keep sockets or timers; everything of ours is closed by now.
process.exit();

function printSummary(record: BenchRecord): void {
  const { driver, apiLatencyAtEndMs: api, serviceEventLoopDelayMs: loop } = record.results;
  const timeout = record.parameters.probeTimeoutMs;
  const f = driver.probes.freshnessMs;
  const ms = (value: number | null) => formatMs(value, timeout, 1);
  const failed = Object.entries(driver.load.postsFailed).map(([why, n]) => `${n}× ${why}`).join(', ') || 'none';
  console.log(
    [
      '',
      `rate achieved      ${driver.load.measured.achievedRate} events/s (target ${record.parameters.rate}); ${driver.load.eventsAccepted} events accepted, failed POSTs: ${failed}`,
      `ingest ack         p50 ${ms(driver.ackLatencyMs.p50)}, p99 ${ms(driver.ackLatencyMs.p99)}, max ${ms(driver.ackLatencyMs.max)}`,
      `freshness          p50 ${ms(f.p50)}, p90 ${ms(f.p90)}, p99 ${ms(f.p99)}, max ${ms(f.max)} over ${f.count} probes (lost ${driver.probes.lost})`,
      `metric polls       ${driver.polls.count}, p50 ${ms(driver.polls.latencyMs.p50)}, p99 ${ms(driver.polls.latencyMs.p99)}, errors ${driver.polls.errors}`,
      `metric API at end  p50 ${ms(api.p50)}, max ${ms(api.max)} per summary request over ${record.results.storedEvents} stored events`,
      `events lost        ${record.results.eventsLost}${record.results.drained ? '' : ' (the stitcher had not drained)'}`,
      `service loop delay p99 ${loop.p99} ms, max ${loop.max} ms; peak RSS ${Math.round(record.results.peakRssBytes / 2 ** 20)} MiB`,
      `target             ${record.meetsTarget ? 'met' : 'NOT met'}: p99 within ${TARGET_MS} ms, nothing lost`,
      '',
    ].join('\n'),
  );
}
