import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peakRssBytes, startScript, type ServiceProcess } from '@seamline/infra/service-process';
import type { Kafka } from 'kafkajs';
import { sleep } from '../slots.ts';
import { epochMs, round1 } from './children.ts';
import { busyCores, machineCpu } from './machine.ts';
import { launchService, snapshotStitcher, type RunningService, type StitcherSnapshot } from './services.ts';

export interface ScaleOutOptions {
  kafka: Kafka;
  /** Environment of every stitcher (Kafka, topic prefix); the ClickHouse server and linking are set here. */
  env: Record<string, string>;
  rawTopic: string;
  stitchedTopic: string;
  /** Prefix of the group ids; each run gets its own groups. */
  groupPrefix: string;
  /** A database of its own for each run (dropped by the caller). */
  database: (name: string) => string;
  /** A ClickHouse server every stitcher shares; unset: one is started here, in front of the embedded engine. */
  clickhouseUrl?: string | undefined;
  /** Each run ends after this long from its first stored batch, or when the topic is handled. */
  windowMs: number;
  /** Messages in the raw topic. */
  expected: number;
  signal: AbortSignal;
  say: (line: string) => void;
}

export interface ScaleOutRun {
  stitchers: number;
  linking: 'inline' | 'topic';
  /** Events stored per second, all stitchers together, over the window. */
  storedPerSecond: number;
  /** Events linked into customers and journeys per second over the window (inline: as stored). */
  linkedPerSecond: number;
  windowSeconds: number;
  stored: number;
  linked: number;
  /** Peak RSS of each stitcher process. */
  peakRssMiB: Array<number | null>;
  machineBusyCores: number;
}

export interface ScaleOutResult {
  clickhouse: string;
  runs: ScaleOutRun[];
}

const POLL_MS = 500;
const FIRST_BATCH_TIMEOUT_MS = 180_000;

/**
 * Several stitcher processes on this machine against one ClickHouse server: one stitcher linking
 * inline, then two with `STITCHER_LINKING=topic` (each stores its partitions; one of them links
 * everything from the stitched topic). Storing is counted from the stitchers' /metrics, linking
 * from the linker group's committed offsets on the stitched topic.
 */
export async function measureScaleOut(options: ScaleOutOptions): Promise<ScaleOutResult> {
  const { say } = options;
  let server: ServiceProcess | undefined;
  let serverDir: string | undefined;
  let clickhouseUrl = options.clickhouseUrl;
  try {
    if (!clickhouseUrl) {
      serverDir = mkdtempSync(join(tmpdir(), 'seamline-bench-scale-out-'));
      server = startScript('infra/clickhouse-http/main.ts', ['--data-dir', serverDir, '--port', '0'], {});
      clickhouseUrl = await listeningUrl(server, options.signal);
    }
    const clickhouse = options.clickhouseUrl ? `server ${new URL(clickhouseUrl).origin}` : `one HTTP server process in front of the embedded engine (${clickhouseUrl})`;
    say(`scale-out: ClickHouse for every stitcher: ${clickhouse}`);
    const runs: ScaleOutRun[] = [];
    for (const [stitchers, linking] of [[1, 'inline'], [2, 'topic']] as const) {
      const name = `${stitchers}-${linking}`;
      runs.push(
        await measureRun(options, stitchers, linking, {
          ...options.env,
          CLICKHOUSE_URL: clickhouseUrl,
          CLICKHOUSE_DATABASE: options.database(`scale_out_${stitchers}_${linking}`),
          STITCHER_GROUP_ID: `${options.groupPrefix}-${name}`,
          STITCHER_LINKING: linking,
        }),
      );
    }
    return { clickhouse, runs };
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await Promise.race([server.exited, sleep(30_000)]);
    }
    if (serverDir) rmSync(serverDir, { recursive: true, force: true });
  }
}

async function measureRun(options: ScaleOutOptions, count: number, linking: 'inline' | 'topic', env: Record<string, string>): Promise<ScaleOutRun> {
  const { kafka, signal, say } = options;
  const groupId = env.STITCHER_GROUP_ID!;
  const launchedAt = epochMs();
  const stitchers: RunningService[] = [];
  try {
    for (let i = 0; i < count; i++) stitchers.push(await launchService('stitcher', env, { signal }));
    say(`scale-out: ${count} stitcher${count > 1 ? 's' : ''} (linking ${linking}), pids ${stitchers.map((s) => s.pid).join(', ')}`);
    const stored = async () => (await Promise.all(stitchers.map(snapshotStitcher))).reduce((sum, s: StitcherSnapshot) => sum + s.stored, 0);
    const linked = async () => (linking === 'inline' ? stored() : committed(kafka, `${groupId}-linker`, options.stitchedTopic));
    let first: { atMs: number; stored: number; linked: number } | undefined;
    let last = first;
    let machine = machineCpu();
    for (;;) {
      signal.throwIfAborted();
      const now = { atMs: epochMs(), stored: await stored(), linked: await linked() };
      if (!first) {
        if (now.stored > 0) {
          first = last = now;
          machine = machineCpu();
        } else if (now.atMs - launchedAt > FIRST_BATCH_TIMEOUT_MS) throw new Error(`scale-out: nothing stored within ${FIRST_BATCH_TIMEOUT_MS} ms`);
      } else {
        last = now;
        if (now.linked >= options.expected || now.atMs - first.atMs >= options.windowMs) break;
      }
      await sleep(POLL_MS);
    }
    const seconds = (last!.atMs - first.atMs) / 1000;
    const run: ScaleOutRun = {
      stitchers: count,
      linking,
      storedPerSecond: Math.round((last!.stored - first.stored) / seconds),
      linkedPerSecond: Math.round((last!.linked - first.linked) / seconds),
      windowSeconds: round1(seconds),
      stored: last!.stored,
      linked: last!.linked,
      peakRssMiB: stitchers.map((s) => {
        const bytes = s.peakRssBytes() ?? peakRssBytes(s.pid);
        return bytes === undefined ? null : Math.round(bytes / 2 ** 20);
      }),
      machineBusyCores: busyCores(machine, machineCpu()),
    };
    say(`scale-out: ${count} × ${linking}: stored ${run.storedPerSecond}/s, linked ${run.linkedPerSecond}/s over ${run.windowSeconds} s`);
    return run;
  } finally {
    await Promise.all(stitchers.map((s) => s.stop()));
  }
}

/** Messages of a topic the group has committed past, summed over partitions. */
async function committed(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

async function listeningUrl(server: ServiceProcess, signal: AbortSignal): Promise<string> {
  const deadline = epochMs() + 60_000;
  for (;;) {
    signal.throwIfAborted();
    const url = /listening at (http:\/\/[\d.]+:\d+)/.exec(server.output())?.[1];
    if (url) return url;
    if (epochMs() > deadline) throw new Error(`the ClickHouse HTTP server did not start:\n${server.output().slice(-2_000)}`);
    await sleep(200);
  }
}
