// `npm run bench`: the benchmark suite. Starts the stack, runs each suite in turn, writes
// bench/results/<date-time>.json and a section of bench/README.md, and stops everything it started.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CACHE_DIR, KAFKA_VERSION } from '@seamline/infra/local-kafka';
import { startStack, type Stack } from '@seamline/infra/stack';
import { createLogger } from '@seamline/log';
import { FlagError, parseFlags, USAGE, type BenchFlags, type SuiteName } from './flags.ts';
import { appendRun, formatValue, machine, writeRecord, type RunRecord } from './report.ts';
import { meets, type Suite } from './suite.ts';
import { freshnessSuite } from './suites/freshness.ts';

const argv = process.argv.slice(2);
let flags: BenchFlags | 'help';
try {
  flags = parseFlags(argv);
} catch (error) {
  if (!(error instanceof FlagError)) throw error;
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (flags === 'help') {
  console.log(USAGE);
  process.exit(0);
}

async function loadSuite(name: SuiteName, options: BenchFlags): Promise<Suite> {
  switch (name) {
    case 'freshness':
      return freshnessSuite(options.rates, options.freshness);
    case 'throughput':
      return (await import('./suites/throughput.ts')).throughputSuite;
    case 'api':
      return (await import('./suites/api.ts')).apiSuite;
    case 'questions':
      return (await import('./suites/questions.ts')).questionsSuite;
    case 'embedded':
      return (await import('./suites/embedded.ts')).embeddedSuite;
    case 'growth':
      return (await import('./suites/growth.ts')).growthSuite;
  }
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
const say = (line: string) => console.log(`[bench] ${line}`);
let stack: Stack | undefined;
const suites: RunRecord['suites'] = [];
try {
  stack = await startStack(process.env, (line) => console.log(`[stack] ${line}`));
  say(`stack: ${stack.description}`);
  for (const name of flags.suites) {
    if (abort.signal.aborted) break;
    const suite = await loadSuite(name, flags);
    say(`suite ${suite.name}: ${suite.summary}${flags.quick ? ' (quick)' : ''}`);
    const began = performance.now();
    const durationS = () => Math.round((performance.now() - began) / 100) / 10;
    try {
      const result = await suite.run({ stack, logger, signal: abort.signal, quick: flags.quick, seed: flags.seed, order: flags.order, say: (line) => say(`${suite.name}: ${line}`) });
      suites.push({ name: suite.name, durationS: durationS(), ...result });
      for (const figure of result.figures) {
        const met = meets(figure);
        const target = figure.target ? ` (target ${figure.target.op} ${figure.target.value}: ${met ? 'met' : 'NOT met'})` : '';
        say(`${suite.name}: ${figure.name} = ${formatValue(figure)}${target}`);
      }
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      console.error(`[bench] suite ${suite.name} failed: ${message}`);
      suites.push({ name: suite.name, durationS: durationS(), error: message });
      process.exitCode = 1;
    }
  }
  const record: RunRecord = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command,
    quick: flags.quick,
    seed: flags.seed,
    machine: machine(),
    stack: {
      kind: stack.kind,
      description: stack.description,
      kafkaVersion: stack.kind === 'local' ? process.env.SEAMLINE_KAFKA_VERSION || KAFKA_VERSION : 'see description',
      clickhouse: stack.clickhouseUrl ? `server ${stack.clickhouseUrl}` : 'embedded (chDB)',
    },
    suites,
  };
  const file = writeRecord(record);
  appendRun(record, file.split('/').pop()!);
  say(`results: ${file}; section added to bench/README.md`);
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
