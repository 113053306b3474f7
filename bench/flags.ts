import { parseArgs } from 'node:util';
import { ORDERS, type Order } from '@seamline/generator';
import type { FreshnessParams } from './freshness/freshness.ts';

export const SUITE_NAMES = ['throughput', 'freshness', 'api', 'questions', 'embedded', 'growth'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

export const USAGE = `usage: npm run bench -- [--quick] [--suite ${SUITE_NAMES.join(',')}] [--seed 7]
  [--order time] [--rate 2000,10000] [freshness flags]

  --suite            suites to run, comma-separated, in this order (default: all)
                       throughput  HTTP ingest → Kafka → stitcher → ClickHouse, and Kafka → stitcher → ClickHouse,
                                   beside a consume-only kafkajs baseline and a bulk insert of the same rows
                       freshness   ingest acknowledgement → visible in the metric API, p50 and p99
                       api         metric API latency at 10M events with 32 concurrent clients
                       questions   metric questions at any asOf from the tables and rollups at 10M events, beside the events path
                       embedded    seamline ingest of 1M events on the embedded engine
                       growth      the stitcher on a time-ordered 10M-event stream: first vs last 1M, RSS, state load
  --quick            a smoke run of every suite: smaller samples, shorter runs (not the targets' sizes)
  --seed             seed of every generated sample
  --order            order of the samples of the throughput, api and embedded suites: ${ORDERS.join(', ')}
                     (default time: the organisation's stream, customers interleaved); the embedded suite
                     also ingests its sample as a shuffled backfill; the freshness load is a live stream,
                     in time order
  --rate             freshness rates, comma-separated events per second (default 2000,10000)

  freshness flags (override the defaults each rate gets):
  --seconds          measured seconds, after the warm-up (default 60; --quick 20)
  --warmup           seconds of load whose probes are not counted (default 10)
  --probes-per-second  probe events per second (each in a POST of the load; default 5)
  --batch            events per POST (default: rate / 40, at least 100)
  --poll-interval    ms between a probe's polls of the metrics API (default 200)
  --probe-timeout    s after its acknowledgement a probe counts as lost (default 30)
  --max-posts        POSTs in flight at most (default 32)
  --max-polls        metric polls in flight at most, over all probes (default 2)`;

const OPTIONS = {
  quick: { type: 'boolean' },
  help: { type: 'boolean' },
  suite: { type: 'string' },
  seed: { type: 'string' },
  order: { type: 'string' },
  rate: { type: 'string' },
  seconds: { type: 'string' },
  warmup: { type: 'string' },
  'probes-per-second': { type: 'string' },
  batch: { type: 'string' },
  'poll-interval': { type: 'string' },
  'probe-timeout': { type: 'string' },
  'max-posts': { type: 'string' },
  'max-polls': { type: 'string' },
} as const;

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

export interface BenchFlags {
  quick: boolean;
  suites: SuiteName[];
  seed: number;
  /** Order of the generated samples (the freshness load is always in time order). */
  order: Order;
  rates: number[];
  freshness: Partial<FreshnessParams>;
}

/** Flags over defaults; every problem is named at once. */
export function parseFlags(argv: string[]): BenchFlags | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const problems: string[] = [];
  const number = (flag: keyof typeof OPTIONS, check: (n: number) => boolean, rule: string): number | undefined => {
    const given = values[flag];
    if (typeof given !== 'string') return undefined;
    const n = Number(given);
    if (given.trim() === '' || !Number.isFinite(n) || !check(n)) problems.push(`--${flag}: ${rule} (got "${given}")`);
    return n;
  };
  const positive = (n: number) => n > 0;
  const whole = (n: number) => Number.isInteger(n) && n > 0;

  const suites = (values.suite ?? SUITE_NAMES.join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  for (const suite of suites) {
    if (!(SUITE_NAMES as readonly string[]).includes(suite)) problems.push(`--suite: unknown suite "${suite}" (known: ${SUITE_NAMES.join(', ')})`);
  }
  const rates = (values.rate ?? '2000,10000').split(',').map((r) => Number(r.trim()));
  if (rates.length === 0 || rates.some((r) => !Number.isFinite(r) || r <= 0)) problems.push(`--rate: must be events per second above 0, comma-separated (got "${values.rate}")`);

  const freshness: Partial<FreshnessParams> = {};
  const set = <K extends keyof FreshnessParams>(key: K, value: FreshnessParams[K] | undefined) => {
    if (value !== undefined) freshness[key] = value;
  };
  set('seconds', number('seconds', positive, 'must be a number of seconds above 0'));
  set('warmupSeconds', number('warmup', (n) => n >= 0, 'must be a number of seconds, 0 or more'));
  set('probesPerSecond', number('probes-per-second', positive, 'must be above 0'));
  set('batchSize', number('batch', (n) => whole(n) && n <= 10_000, 'must be a whole number from 1 to 10000'));
  set('pollIntervalMs', number('poll-interval', (n) => n >= 1, 'must be milliseconds, at least 1'));
  const timeout = number('probe-timeout', positive, 'must be seconds above 0');
  set('probeTimeoutMs', timeout === undefined ? undefined : timeout * 1000);
  set('maxInFlightPosts', number('max-posts', whole, 'must be a whole number above 0'));
  set('maxInFlightPolls', number('max-polls', whole, 'must be a whole number above 0'));
  const seed = number('seed', Number.isSafeInteger, 'must be a whole number') ?? 7;
  const order = values.order ?? 'time';
  if (!(ORDERS as readonly string[]).includes(order)) problems.push(`--order: must be one of ${ORDERS.join(', ')} (got "${order}")`);
  if (problems.length > 0) throw new FlagError(problems.join('\n'));
  return { quick: Boolean(values.quick), suites: suites as SuiteName[], seed, order: order as Order, rates, freshness };
}
