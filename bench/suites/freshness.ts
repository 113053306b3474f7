import { runFreshness, type FreshnessParams, type FreshnessResult } from '../freshness/freshness.ts';
import type { Figure, Suite, SuiteContext, SuiteResult } from '../suite.ts';

/** The freshness target: p99 from ingest acknowledgement to visible in the metrics, at 10,000 events/s. */
export const FRESHNESS_P99_TARGET_MS = 2_000;
const MiB = 2 ** 20;

/**
 * Freshness at each rate in turn (ingest → Kafka → stitcher → tables → metric API, in one
 * process, with a driver child process posting the load and polling for probes).
 */
export function freshnessSuite(rates: readonly number[], overrides: Partial<FreshnessParams>): Suite {
  return {
    name: 'freshness',
    summary: `p50 and p99 from ingest acknowledgement to visible in the metrics, at ${rates.join(' and ')} events/s`,
    async run(context: SuiteContext): Promise<SuiteResult> {
      const figures: Figure[] = [];
      const details: Record<string, unknown> = {};
      for (const rate of rates) {
        const params = paramsFor(rate, context, overrides);
        context.say(`freshness at ${rate} events/s: ${params.warmupSeconds} s warm-up + ${params.seconds} s, ${params.probesPerSecond} probes/s, ${params.batchSize} events per POST`);
        const result = await runFreshness(context.stack, params, context.logger, context.signal);
        figures.push(...freshnessFigures(rate, params, result));
        details[`${rate}`] = { parameters: params, ...result };
      }
      return { figures, details };
    },
  };
}

function paramsFor(rate: number, context: SuiteContext, overrides: Partial<FreshnessParams>): FreshnessParams {
  return {
    rate,
    seconds: context.quick ? 20 : 60,
    warmupSeconds: 10,
    probesPerSecond: 5,
    // At most ~40 POSTs a second from the driver whatever the rate.
    batchSize: Math.max(100, Math.ceil(rate / 40)),
    pollIntervalMs: 200,
    probeTimeoutMs: 30_000,
    maxInFlightPosts: 32,
    maxInFlightPolls: 2,
    seed: context.seed,
    ...overrides,
  };
}

function freshnessFigures(rate: number, params: FreshnessParams, result: FreshnessResult): Figure[] {
  const fresh = result.driver.probes.freshnessMs;
  const load = result.driver.load;
  const lost = result.driver.probes.lost;
  const timeoutS = Math.round(params.probeTimeoutMs / 1000);
  const beyond = (value: number | null) => (value === null && fresh.count > 0 ? `beyond the ${timeoutS} s probe timeout: ` : '');
  const note = `${load.measured.achievedRate} events/s achieved, ${fresh.count} probes, ${lost} not seen within ${timeoutS} s, ${result.eventsLost} events lost`;
  const target = rate >= 10_000 ? { op: '<=' as const, value: FRESHNESS_P99_TARGET_MS } : undefined;
  return [
    { name: `achieved rate at ${rate}/s`, value: load.measured.achievedRate, unit: 'events/s', target: { op: '>=', value: rate * 0.98 } },
    { name: `freshness p50 at ${rate}/s`, value: fresh.p50, unit: 'ms', note: `${beyond(fresh.p50)}${note}` },
    { name: `freshness p99 at ${rate}/s`, value: fresh.p99, unit: 'ms', ...(target && { target }), note: `${beyond(fresh.p99)}${note}` },
    { name: `events lost at ${rate}/s`, value: result.eventsLost, unit: 'events', target: { op: '<=', value: 0 } },
    {
      name: `all-in-one peak RSS at ${rate}/s`,
      value: Math.round(result.peakRssBytes / MiB),
      unit: 'MiB',
      target: { op: '<=', value: 1024 },
      note: 'ingest, stitcher and metric API in one process with the embedded engine',
    },
  ];
}
