import { consumerLag } from '@seamline/kafka';
import type { Kafka } from 'kafkajs';
import { sleep } from '../slots.ts';
import { epochMs, round1 } from './children.ts';
import { busyCores, machineCpu, type MachineCpu } from './machine.ts';
import { handled, launchService, snapshotStitcher, stitcherActivity, type StitcherSnapshot } from './services.ts';

export interface StitcherAloneOptions {
  kafka: Kafka;
  env: Record<string, string>;
  rawTopic: string;
  groupId: string;
  /** Messages waiting in the raw topic. */
  expected: number;
  /** The window ends here when the stitcher has not drained by then. */
  maxWindowMs: number;
  signal: AbortSignal;
  say: (line: string) => void;
}

export interface StitcherAloneResult {
  /** Stored events per second over the window (the first stored batch's events not counted). */
  rate: number;
  drained: boolean;
  /** From the first poll that saw a stored batch to the one that saw the topic handled, or to the window's end. */
  windowSeconds: number;
  eventsInWindow: number;
  /** Events stored by the time the measurement ended (the first batch included). */
  storedTotal: number;
  /** From starting the process to its first stored batch: the engine, migrations, joining the group. */
  firstBatchAfterSeconds: number;
  activity: ReturnType<typeof stitcherActivity>;
  /** Stored events per second over each 10 s of the window (does it slow down as the table grows?). */
  timeline: Array<{ atSeconds: number; storedPerSecond: number; stored: number }>;
  consumerLagAtEnd: number | null;
  peakRssBytes: number | null;
  machineBusyCores: number;
  exit: number | string;
}

const POLL_MS = 250;
const FIRST_BATCH_TIMEOUT_MS = 180_000;
const TIMELINE_STEP_MS = 10_000;

/**
 * The stitcher service alone, as a process of its own, on a topic filled beforehand: stored
 * events per second (its /metrics counters) from its first stored batch until it has handled
 * every message or the window is up, whichever comes first.
 */
export async function measureStitcherAlone(options: StitcherAloneOptions): Promise<StitcherAloneResult> {
  const { signal, say } = options;
  const launchedAt = epochMs();
  const stitcher = await launchService('stitcher', options.env, { signal });
  try {
    say(`stitcher pid ${stitcher.pid} at ${stitcher.url}, consuming ${options.expected} events`);
    let first: StitcherSnapshot | undefined;
    let last: StitcherSnapshot | undefined;
    let mark: StitcherSnapshot | undefined;
    let machineStart: MachineCpu | undefined;
    const timeline: StitcherAloneResult['timeline'] = [];
    let drained = false;
    for (;;) {
      signal.throwIfAborted();
      const snapshot = await snapshotStitcher(stitcher);
      if (!first) {
        if (snapshot.stored > 0) {
          first = mark = snapshot;
          machineStart = machineCpu();
        }
        else if (snapshot.atMs - launchedAt > FIRST_BATCH_TIMEOUT_MS) throw new Error(`the stitcher stored nothing within ${FIRST_BATCH_TIMEOUT_MS} ms`);
      } else {
        last = snapshot;
        if (snapshot.atMs - mark!.atMs >= TIMELINE_STEP_MS) {
          const step = stitcherActivity(mark!, snapshot);
          timeline.push({ atSeconds: round1((snapshot.atMs - first.atMs) / 1000), storedPerSecond: step.storedPerSecond, stored: snapshot.stored });
          say(`stitcher: ${snapshot.stored} stored, ${step.storedPerSecond} events/s over the last ${step.windowSeconds} s, ${Math.round(snapshot.rssBytes / 2 ** 20)} MiB`);
          mark = snapshot;
        }
        if (handled(snapshot) >= options.expected) {
          drained = true;
          break;
        }
        if (snapshot.atMs - first.atMs >= options.maxWindowMs) break;
      }
      await sleep(POLL_MS);
    }
    const machineEnd = machineCpu();
    const activity = stitcherActivity(first, last!);
    const peak = stitcher.peakRssBytes() ?? null;
    const consumerLagAtEnd = await consumerLag(options.kafka, options.groupId, options.rawTopic).catch(() => null);
    const exit = await stitcher.stop();
    return {
      rate: activity.storedPerSecond,
      drained,
      windowSeconds: activity.windowSeconds,
      eventsInWindow: activity.stored,
      storedTotal: last!.stored,
      firstBatchAfterSeconds: round1((first.atMs - launchedAt) / 1000),
      activity,
      timeline,
      consumerLagAtEnd,
      peakRssBytes: peak,
      machineBusyCores: busyCores(machineStart!, machineEnd),
      exit,
    };
  } finally {
    await stitcher.stop();
  }
}
