import { peakRssBytes, startService, type ServiceProcess } from '@seamline/infra/service-process';
import { sleep } from '../slots.ts';
import { epochMs } from './children.ts';
import { metricValue, parsePrometheus, type Samples } from './prometheus.ts';

/** A service started as a deployment runs it (its server.ts in a process of its own). */
export interface RunningService {
  name: 'ingest' | 'stitcher';
  pid: number;
  /** http://127.0.0.1:port */
  url: string;
  process: ServiceProcess;
  /** Its Prometheus metrics now. */
  metrics(): Promise<Samples>;
  /** The process's peak resident set so far (VmHWM); read it before stop(). */
  peakRssBytes(): number | undefined;
  /** SIGTERM (the service finishes its work in progress), SIGKILL if it has not exited within the grace. */
  stop(graceMs?: number): Promise<number | string>;
}

const LISTENING = /Server listening at (http:\/\/[\d.]+:\d+)/;

/**
 * Starts the service on a loopback port of the system's choosing and waits until it listens and
 * /readyz answers 200. A service that exits or does not get ready in time is stopped, and the
 * error carries the end of its output.
 */
export async function launchService(
  name: 'ingest' | 'stitcher',
  env: Record<string, string>,
  options: { signal: AbortSignal; readyTimeoutMs?: number },
): Promise<RunningService> {
  const service = startService(name, { LOG_LEVEL: 'info', ...env, HOST: '127.0.0.1', PORT: '0' });
  let exit: number | string | undefined;
  void service.exited.then((code) => (exit = code));
  const stop = async (graceMs = 30_000) => {
    if (exit !== undefined) return exit;
    service.child.kill('SIGTERM');
    const graceful = await Promise.race([service.exited, sleep(graceMs).then(() => undefined)]);
    if (graceful !== undefined) return graceful;
    service.child.kill('SIGKILL');
    return service.exited;
  };
  const pid = service.child.pid;
  try {
    if (pid === undefined) throw new Error(`${name} did not start`);
    const deadline = epochMs() + (options.readyTimeoutMs ?? 120_000);
    let url: string | undefined;
    for (;;) {
      options.signal.throwIfAborted();
      if (exit !== undefined) throw new Error(`${name} exited (${exit}) while starting`);
      if (epochMs() > deadline) throw new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 120_000} ms`);
      url ??= LISTENING.exec(service.output())?.[1];
      if (url && (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.status === 200, () => false))) break;
      await sleep(200);
    }
    const base = url;
    return {
      name,
      pid,
      url: base,
      process: service,
      metrics: async () => parsePrometheus(await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) })).text()),
      peakRssBytes: () => peakRssBytes(pid),
      stop,
    };
  } catch (error) {
    await stop(5_000);
    throw new Error(`${(error as Error).message}\n--- ${name} output (end) ---\n${service.output().slice(-4_000)}`, { cause: error });
  }
}

/** What the stitcher's /metrics say at one moment (counters since it started). */
export interface StitcherSnapshot {
  /** Epoch ms when the answer arrived. */
  atMs: number;
  stored: number;
  duplicates: number;
  deadLetters: number;
  batches: number;
  batchSeconds: number;
  batchMessages: number;
  cpuSeconds: number;
  rssBytes: number;
}

export function stitcherSnapshot(samples: Samples, atMs: number): StitcherSnapshot {
  const events = (result: string) => metricValue(samples, 'seamline_stitcher_events_total', { result }) ?? 0;
  return {
    atMs,
    stored: events('stored'),
    duplicates: events('duplicate'),
    deadLetters: events('dead_letter'),
    batches: metricValue(samples, 'seamline_stitcher_batch_seconds_count') ?? 0,
    batchSeconds: metricValue(samples, 'seamline_stitcher_batch_seconds_sum') ?? 0,
    batchMessages: metricValue(samples, 'seamline_stitcher_batch_messages_sum') ?? 0,
    cpuSeconds: metricValue(samples, 'process_cpu_seconds_total') ?? 0,
    rssBytes: metricValue(samples, 'process_resident_memory_bytes') ?? 0,
  };
}

/** Messages the stitcher has handled (stored, duplicate or dead-lettered). */
export const handled = (s: StitcherSnapshot) => s.stored + s.duplicates + s.deadLetters;

export async function snapshotStitcher(stitcher: RunningService): Promise<StitcherSnapshot> {
  const samples = await stitcher.metrics();
  return stitcherSnapshot(samples, epochMs());
}

/** What the stitcher did between two snapshots: rate, time in its batch handler, CPU. */
export function stitcherActivity(from: StitcherSnapshot, to: StitcherSnapshot) {
  const seconds = (to.atMs - from.atMs) / 1000;
  const batches = to.batches - from.batches;
  const messages = to.batchMessages - from.batchMessages;
  const per = (value: number) => (seconds > 0 ? value / seconds : 0);
  return {
    windowSeconds: Math.round(seconds * 10) / 10,
    stored: to.stored - from.stored,
    duplicates: to.duplicates - from.duplicates,
    deadLetters: to.deadLetters - from.deadLetters,
    storedPerSecond: Math.round(per(to.stored - from.stored)),
    batches,
    meanBatchMessages: batches > 0 ? Math.round(messages / batches) : 0,
    meanBatchMs: batches > 0 ? Math.round(((to.batchSeconds - from.batchSeconds) / batches) * 1000) : 0,
    /** Share of the window spent inside the batch handler (store, link, refresh journeys). */
    handlerBusyShare: Math.round(per(to.batchSeconds - from.batchSeconds) * 100) / 100,
    /** CPU of the stitcher's process (its embedded engine's threads included), in cores. */
    cpuCores: Math.round(per(to.cpuSeconds - from.cpuSeconds) * 100) / 100,
  };
}
