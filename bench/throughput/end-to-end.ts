import { consumerLag } from '@seamline/kafka';
import type { Kafka } from 'kafkajs';
import { sleep } from '../slots.ts';
import { epochMs, round1, runChild } from './children.ts';
import type { CountStoredConfig, CountStoredReport } from './count-stored.ts';
import type { LoadConfig, LoadProgress, LoadReport } from './load.ts';
import { busyCores, machineCpu } from './machine.ts';
import { metricValue } from './prometheus.ts';
import { handled, launchService, snapshotStitcher, stitcherActivity, type RunningService, type StitcherSnapshot } from './services.ts';

export interface EndToEndOptions {
  kafka: Kafka;
  ingestEnv: Record<string, string>;
  stitcherEnv: Record<string, string>;
  rawTopic: string;
  groupId: string;
  /** Where the stitcher stores, for the count afterwards. */
  store: CountStoredConfig;
  load: Omit<LoadConfig, 'ingestUrl'>;
  drainTimeoutMs: number;
  signal: AbortSignal;
  say: (line: string) => void;
}

export interface EndToEndResult {
  /** Events acknowledged and stored per second, from the first POST until the stitcher had handled them all. */
  rate: number;
  drained: boolean;
  windowSeconds: number;
  load: LoadReport;
  /** After the load ended, until the stitcher had handled every accepted event (or gave up). */
  drainSeconds: number;
  /** Counted by a query of events_v1 in the stitcher's store once it stopped. */
  storedQueried: CountStoredReport;
  /** Accepted by ingest, not found in the store. */
  lost: number;
  stitcher: {
    duringLoad: ReturnType<typeof stitcherActivity>;
    duringDrain: ReturnType<typeof stitcherActivity>;
    peakRssBytes: number | null;
    consumerLagAtEnd: number | null;
    exit: number | string;
  };
  /** Ingest's CPU from just before the load child started to just after it reported. */
  ingest: { cpuCoresDuringLoad: number | null; peakRssBytes: number | null; exit: number | string };
  machineBusyCoresDuringLoad: number;
}

const POLL_MS = 250;

/**
 * HTTP ingest → Kafka → stitcher → ClickHouse, each service a process of its own: a load child
 * POSTs as fast as ingest answers for the given time; then the stitcher drains. Throughput is
 * what was acknowledged and stored over the time from the first POST until it was stored.
 */
export async function measureEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const { signal, say } = options;
  const running: RunningService[] = [];
  try {
    const stitcher = await launchService('stitcher', options.stitcherEnv, { signal });
    running.push(stitcher);
    const ingest = await launchService('ingest', options.ingestEnv, { signal });
    running.push(ingest);
    say(`ingest pid ${ingest.pid} at ${ingest.url}, stitcher pid ${stitcher.pid}; POSTing ${options.load.batchSize} events per request, ${options.load.inFlight} in flight, for ${options.load.seconds} s`);

    const stitcherStart = await snapshotStitcher(stitcher);
    const ingestCpuStart = metricValue(await ingest.metrics(), 'process_cpu_seconds_total');
    const ingestCpuStartAt = epochMs();
    const machineStart = machineCpu();
    const load = await runChild<LoadConfig, LoadReport, LoadProgress>(
      new URL('./load.ts', import.meta.url),
      { ...options.load, ingestUrl: ingest.url },
      {
        what: 'the load driver',
        signal,
        boundMs: options.load.seconds * 1000 + 180_000,
        onProgress: (p) => {
          void snapshotStitcher(stitcher).then(
            (s) => say(`end to end ${p.elapsedS} s: ${p.eventsAccepted} accepted by ingest, ${s.stored} stored by the stitcher`),
            () => say(`end to end ${p.elapsedS} s: ${p.eventsAccepted} accepted by ingest`),
          );
        },
      },
    );
    const machineEnd = machineCpu();
    const ingestCpuEnd = metricValue(await ingest.metrics(), 'process_cpu_seconds_total');
    const ingestCpuSeconds = (epochMs() - ingestCpuStartAt) / 1000;
    const ingestPeak = ingest.peakRssBytes() ?? null;
    const ingestExit = await ingest.stop();
    say(`load done: ${load.eventsAccepted} events accepted (${load.acceptedRate}/s), failed POSTs ${JSON.stringify(load.postsFailed)}; waiting for the stitcher to drain`);

    const afterLoad = await snapshotStitcher(stitcher);
    const target = handled(stitcherStart) + load.eventsAccepted;
    let last: StitcherSnapshot = afterLoad;
    let drained = handled(last) >= target;
    let said = epochMs();
    while (!drained && last.atMs - afterLoad.atMs < options.drainTimeoutMs) {
      signal.throwIfAborted();
      await sleep(POLL_MS);
      last = await snapshotStitcher(stitcher);
      drained = handled(last) >= target;
      if (epochMs() - said >= 10_000) {
        said = epochMs();
        say(`draining: ${handled(last) - handled(stitcherStart)} of ${load.eventsAccepted} handled`);
      }
    }
    const stitcherPeak = stitcher.peakRssBytes() ?? null;
    const consumerLagAtEnd = await consumerLag(options.kafka, options.groupId, options.rawTopic).catch(() => null);
    const stitcherExit = await stitcher.stop();

    const storedQueried = await runChild<CountStoredConfig, CountStoredReport>(new URL('./count-stored.ts', import.meta.url), options.store, {
      what: 'the stored-events count',
      signal,
      boundMs: 180_000,
    });
    const windowSeconds = (last.atMs - load.firstPostAtEpochMs) / 1000;
    const counted = Math.min(load.eventsAccepted, storedQueried.ids);
    return {
      rate: windowSeconds > 0 ? Math.round(counted / windowSeconds) : 0,
      drained,
      windowSeconds: round1(windowSeconds),
      load,
      drainSeconds: round1((last.atMs - load.lastAckAtEpochMs) / 1000),
      storedQueried,
      lost: Math.max(0, load.eventsAccepted - storedQueried.ids),
      stitcher: {
        duringLoad: stitcherActivity(stitcherStart, afterLoad),
        duringDrain: stitcherActivity(afterLoad, last),
        peakRssBytes: stitcherPeak,
        consumerLagAtEnd,
        exit: stitcherExit,
      },
      ingest: {
        cpuCoresDuringLoad:
          ingestCpuStart !== undefined && ingestCpuEnd !== undefined ? Math.round(((ingestCpuEnd - ingestCpuStart) / ingestCpuSeconds) * 100) / 100 : null,
        peakRssBytes: ingestPeak,
        exit: ingestExit,
      },
      machineBusyCoresDuringLoad: busyCores(machineStart, machineEnd),
    };
  } finally {
    for (const service of running.reverse()) await service.stop();
  }
}
