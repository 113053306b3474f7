import { fork } from 'node:child_process';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { StackInfo } from '@seamline/infra/stack';
import type { Logger } from '@seamline/log';
import { startBenchPipeline, type BenchPipeline } from './pipeline.ts';
import type { DriverConfig, DriverMessage, DriverReport } from './protocol.ts';
import { sleep } from '../slots.ts';
import { distribution, type Distribution } from '../stats.ts';

/**
 * The freshness scenario (issue: "at a steady 2,000 events/s through ingest, an event is
 * reflected in the metrics within 5 s of its acknowledgement"). The services run in this
 * process; a driver child process sends the load and the probes over HTTP and times them.
 */
export type FreshnessParams = Omit<DriverConfig, 'ingestUrl' | 'metricsUrl'>;

export interface FreshnessResult {
  clickhouse: BenchPipeline['clickhouse'];
  driver: DriverReport;
  /** Accepted by ingest but not stored once the stitcher drained (or gave up draining). */
  eventsLost: number;
  storedEvents: number;
  /**
   * Freshness in two parts, over the counted probes: until the stitcher's batch holding the probe
   * was written (events and identity links acknowledged), then until the API showed it. The event
   * row is written before the links, so the second part can be a little below 0.
   */
  ackToStoredMs: Distribution;
  storedToShownMs: Distribution;
  drained: boolean;
  drainWaitMs: number;
  /** Sequential summary requests after the run, on everything stored: what one poll costs then. */
  apiLatencyAtEndMs: Distribution;
  /** CPU of this process (the services, including chDB's threads) while the driver ran; cores = CPU seconds per second. */
  serviceCpu: { userS: number; systemS: number; wallS: number; cores: number };
  /** How long this process (the services) could not run a timer on time. */
  serviceEventLoopDelayMs: { p50: number; p99: number; max: number };
  peakRssBytes: number;
}

const DRAIN_TIMEOUT_MS = 120_000;
const END_SAMPLES = 5;

export async function runFreshness(stack: StackInfo, params: FreshnessParams, logger: Logger, signal: AbortSignal): Promise<FreshnessResult> {
  const pipeline = await startBenchPipeline(stack, logger);
  try {
    console.log(`[bench] ingest ${pipeline.ingestUrl}, metrics API ${pipeline.metricsUrl}, ClickHouse ${pipeline.clickhouse.mode} ${pipeline.clickhouse.version}`);
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const driver = await runDriver({ ...params, ingestUrl: pipeline.ingestUrl, metricsUrl: pipeline.metricsUrl }, signal);
    const cpu = process.cpuUsage(cpuBefore);
    const wallS = (performance.now() - wallBefore) / 1000;
    loopDelay.disable();

    const split = splitFreshness(driver, pipeline.probesStoredAt);

    const drainStarted = performance.now();
    let drained = await pipeline.drained();
    while (!drained && performance.now() - drainStarted < DRAIN_TIMEOUT_MS && !signal.aborted) {
      await sleep(500);
      drained = await pipeline.drained();
    }
    const drainWaitMs = Math.round(performance.now() - drainStarted);
    const storedEvents = await pipeline.storedEvents();
    const apiLatencyAtEndMs = await timeSummaries(pipeline.metricsUrl);
    const ms = (ns: number) => Math.round(ns / 1e5) / 10;
    return {
      clickhouse: pipeline.clickhouse,
      driver,
      eventsLost: Math.max(0, driver.load.eventsAccepted - storedEvents),
      storedEvents,
      ...split,
      drained,
      drainWaitMs,
      apiLatencyAtEndMs,
      serviceCpu: {
        userS: Math.round(cpu.user / 1e5) / 10,
        systemS: Math.round(cpu.system / 1e5) / 10,
        wallS: Math.round(wallS * 10) / 10,
        cores: Math.round(((cpu.user + cpu.system) / 1e6 / wallS) * 100) / 100,
      },
      serviceEventLoopDelayMs: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await pipeline.close();
  }
}

/** Notes in each probe when it was stored, and splits the counted probes' freshness at that moment. */
function splitFreshness(driver: DriverReport, storedAt: ReadonlyMap<number, number>) {
  const toStored: number[] = [];
  const toShown: number[] = [];
  for (const probe of driver.probes.list) {
    const stored = storedAt.get(probe.n);
    if (probe.ackedAtMs === undefined) continue;
    if (stored !== undefined) probe.storedMs = Math.round(stored - driver.startedAtEpochMs - probe.ackedAtMs);
    if (probe.warmup || (probe.outcome !== 'seen' && probe.outcome !== 'lost')) continue;
    toStored.push(probe.storedMs ?? Number.POSITIVE_INFINITY);
    if (probe.freshnessMs !== undefined && probe.storedMs !== undefined) toShown.push(probe.freshnessMs - probe.storedMs);
  }
  return { ackToStoredMs: distribution(toStored), storedToShownMs: distribution(toShown) };
}

/** Runs the driver child process; it is killed when the run is aborted or overruns its bound. */
async function runDriver(config: DriverConfig, signal: AbortSignal): Promise<DriverReport> {
  const child = fork(new URL('./driver.ts', import.meta.url), [], { execArgv: ['--import', 'tsx'] });
  // Load, then the last probe's timeout and the last POST's, then room to report.
  const boundMs = (config.warmupSeconds + config.seconds) * 1000 + config.probeTimeoutMs + 90_000;
  return new Promise<DriverReport>((resolve, reject) => {
    const stop = (error: Error) => {
      child.kill();
      reject(error);
    };
    const timer = setTimeout(() => stop(new Error(`the load driver did not finish within ${boundMs} ms`)), boundMs);
    const onAbort = () => stop(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    child.on('message', (message: DriverMessage) => {
      if (message.kind === 'progress') {
        const p = message.progress;
        const lastPoll = p.lastPollMs === null ? 'n/a' : `${p.lastPollMs} ms`;
        console.log(`[bench] ${p.elapsedS} s: ${p.eventsAccepted} events accepted, ${p.postsInFlight} POSTs in flight, probes seen ${p.probesSeen}, watching ${p.probesWatching}, last poll ${lastPoll}`);
      } else if (message.kind === 'report') {
        settle();
        resolve(message.report);
      } else {
        settle();
        reject(new Error(`the load driver failed: ${message.error}`));
      }
    });
    child.once('exit', (code) => {
      settle();
      reject(new Error(`the load driver exited with code ${code} before reporting`));
    });
    child.send(config);
  });
}

async function timeSummaries(metricsUrl: string): Promise<Distribution> {
  const query = new URLSearchParams({ from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', team: 'unmapped:bench-probe-0' });
  const latencies: number[] = [];
  for (let i = 0; i < END_SAMPLES; i++) {
    const started = performance.now();
    const response = await fetch(`${metricsUrl}/v1/metrics/summary?${query}`, { signal: AbortSignal.timeout(60_000) });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
  }
  return distribution(latencies);
}
