import { parseArgs } from 'node:util';
import type { FreshnessParams } from './freshness.ts';

export const USAGE = `usage: npm run bench -- [--quick] [--rate 2000] [--seconds 60] [--warmup 10]
  [--probes-per-second 5] [--batch 100] [--poll-interval 200] [--probe-timeout 30]
  [--max-posts 32] [--max-polls 2] [--seed 7]

  --rate             target events per second through ingest (probes not counted)
  --seconds          measured seconds, after the warm-up
  --warmup           seconds of load whose probes are not counted
  --probes-per-second  probe events per second (each in a POST of the load)
  --batch            events per POST (a POST every batch / rate seconds)
  --poll-interval    ms between a probe's polls of the metrics API
  --probe-timeout    s after its acknowledgement a probe counts as lost
  --max-posts        POSTs in flight at most
  --max-polls        metric polls in flight at most, over all probes
  --quick            a smoke run: 2,000 events/s for 20 s`;

const OPTIONS = {
  quick: { type: 'boolean' },
  help: { type: 'boolean' },
  rate: { type: 'string' },
  seconds: { type: 'string' },
  warmup: { type: 'string' },
  'probes-per-second': { type: 'string' },
  batch: { type: 'string' },
  'poll-interval': { type: 'string' },
  'probe-timeout': { type: 'string' },
  'max-posts': { type: 'string' },
  'max-polls': { type: 'string' },
  seed: { type: 'string' },
} as const;

export class FlagError extends Error {
  override readonly name = 'FlagError';
}

/** Flags over defaults; --quick changes the defaults, flags given with it still win. */
export function parseFlags(argv: string[]): FreshnessParams | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new FlagError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return 'help';
  const problems: string[] = [];
  const number = (flag: keyof typeof OPTIONS, fallback: number, check: (n: number) => boolean, rule: string): number => {
    const given = values[flag];
    if (typeof given !== 'string') return fallback;
    const n = Number(given);
    if (given.trim() === '' || !Number.isFinite(n) || !check(n)) problems.push(`--${flag}: ${rule} (got "${given}")`);
    return n;
  };
  const positive = (n: number) => n > 0;
  const whole = (n: number) => Number.isInteger(n) && n > 0;
  const params: FreshnessParams = {
    rate: number('rate', 2000, positive, 'must be a number of events per second above 0'),
    seconds: number('seconds', values.quick ? 20 : 60, positive, 'must be a number of seconds above 0'),
    warmupSeconds: number('warmup', 10, (n) => n >= 0, 'must be a number of seconds, 0 or more'),
    probesPerSecond: number('probes-per-second', 5, positive, 'must be above 0'),
    batchSize: number('batch', 100, (n) => whole(n) && n <= 10_000, 'must be a whole number from 1 to 10000'),
    pollIntervalMs: number('poll-interval', 200, (n) => n >= 1, 'must be milliseconds, at least 1'),
    probeTimeoutMs: number('probe-timeout', 30, positive, 'must be seconds above 0') * 1000,
    maxInFlightPosts: number('max-posts', 32, whole, 'must be a whole number above 0'),
    maxInFlightPolls: number('max-polls', 2, whole, 'must be a whole number above 0'),
    seed: number('seed', 7, Number.isSafeInteger, 'must be a whole number'),
  };
  if (problems.length > 0) throw new FlagError(problems.join('\n'));
  return params;
}
