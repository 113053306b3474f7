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
import { formatMs, type Distribution } from './stats.ts';

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

const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`
    : ['tsx bench/run.ts', ...argv].join(' ');
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
  const { driver, apiLatencyAtEndMs: api, serviceEventLoopDelayMs: loop, serviceCpu: cpu } = record.results;
  const timeout = record.parameters.probeTimeoutMs;
  const f = driver.probes.freshnessMs;
  const ms = (value: number | null, count: number) => formatMs(value, timeout, count);
  const failed = describeCounts(driver.load.postsFailed);
  console.log(
    [
      '',
      `rate achieved      ${driver.load.measured.achievedRate} events/s (target ${record.parameters.rate}); ${driver.load.eventsAccepted} events accepted, failed POSTs: ${failed}, skipped (time up): ${driver.load.skippedPosts}`,
      `ingest ack         ${spread(driver.ackLatencyMs, timeout)}`,
      `freshness          p50 ${ms(f.p50, f.count)}, p90 ${ms(f.p90, f.count)}, p99 ${ms(f.p99, f.count)}, max ${ms(f.max, f.count)} over ${f.count} probes (lost ${driver.probes.lost})`,
      `  ack → stored     ${spread(record.results.ackToStoredMs, timeout)} (the stitcher's batch holding it written and acknowledged)`,
      `  stored → shown   ${spread(record.results.storedToShownMs, timeout)} (to the answer with contacts = 1; below 0: shown while the batch was still linking identities)`,
      `metric polls       ${driver.polls.count}: ${spread(driver.polls.latencyMs, timeout)}; errors: ${describeCounts(driver.polls.errors)}`,
      `metric API at end  ${spread(api, timeout)} per summary request, ${record.results.storedEvents} events stored`,
      `events lost        ${record.results.eventsLost}${record.results.drained ? '' : ' (the stitcher had not drained)'}`,
      `services process   event loop delay p99 ${loop.p99} ms, max ${loop.max} ms; CPU ${cpu.cores} cores over ${cpu.wallS} s; peak RSS ${Math.round(record.results.peakRssBytes / 2 ** 20)} MiB`,
      `target             ${record.meetsTarget ? 'met' : 'NOT met'}: p99 within ${TARGET_MS} ms, nothing lost`,
      '',
    ].join('\n'),
  );
}

function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts).map(([why, n]) => `${n}× ${why}`).join(', ') || 'none';
}

function spread(d: Distribution, timeoutMs: number): string {
  return `p50 ${formatMs(d.p50, timeoutMs, d.count)}, p99 ${formatMs(d.p99, timeoutMs, d.count)}, max ${formatMs(d.max, timeoutMs, d.count)}`;
}
