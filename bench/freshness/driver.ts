// The load driver: a child process of the benchmark, so that its clock and its event loop are not
// held up by the services' own work (the stitcher and the metric computations run in the parent).
// It talks to the services over HTTP on 127.0.0.1 only, and stops by time and by count.
import { performance } from 'node:perf_hooks';
import { generateEvents } from '@seamline/generator';
import type { CanonicalEventInput } from '@seamline/schemas';
import { probeEvent, watchProbe, type PollLog } from './probes.ts';
import type { DriverConfig, DriverMessage, DriverReport, LoadFigures, ProbeRecord } from './protocol.ts';
import { countAnswer, countFailure, noPosts, type IngestAnswer } from '../posts.ts';
import { sleep, Slots } from '../slots.ts';
import { distribution } from '../stats.ts';

type ItemsAnswer = IngestAnswer & { items: Array<{ id?: string; status: string }> };

const POST_TIMEOUT_MS = 30_000;

function send(message: DriverMessage, then?: () => void): void {
  process.send?.(message, undefined, undefined, then);
}

async function drive(config: DriverConfig): Promise<DriverReport> {
  const intervalMs = (config.batchSize / config.rate) * 1000;
  const probeEveryMs = 1000 / config.probesPerSecond;
  const warmupMs = config.warmupSeconds * 1000;
  const loadMs = warmupMs + config.seconds * 1000;
  const ticks = Math.ceil(loadMs / intervalMs);
  const sample = generateEvents({ events: ticks * config.batchSize, seed: config.seed })[Symbol.iterator]();

  const load: LoadFigures = {
    targetRate: config.rate,
    batchSize: config.batchSize,
    durationMs: 0,
    ...noPosts(),
    measured: { seconds: config.seconds, eventsSent: 0, eventsAccepted: 0, achievedRate: 0 },
    lateTicks: 0,
    skippedPosts: 0,
    maxLagMs: 0,
  };
  const ackLatencies: number[] = [];
  const probes: ProbeRecord[] = [];
  const pollLog: PollLog = { count: 0, errors: {}, latenciesMs: [] };
  const postSlots = new Slots(config.maxInFlightPosts);
  const pollSlots = new Slots(config.maxInFlightPolls);
  const pending = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };
  let watching = 0;
  let lastAck = 0;
  const t0 = performance.now();

  const fail = (batchProbes: ProbeRecord[], why: string) => {
    countFailure(load, why);
    for (const probe of batchProbes) probe.outcome = 'not-acknowledged';
  };

  async function post(events: CanonicalEventInput[], batchProbes: ProbeRecord[], measured: boolean): Promise<void> {
    const started = performance.now();
    try {
      const response = await fetch(`${config.ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      const acked = performance.now();
      if (response.status !== 200) {
        await response.arrayBuffer();
        return fail(batchProbes, String(response.status));
      }
      const answer = (await response.json()) as ItemsAnswer;
      lastAck = acked;
      countAnswer(load, answer);
      if (measured) {
        ackLatencies.push(acked - started);
        load.measured.eventsAccepted += answer.accepted;
      }
      batchProbes.forEach((probe, i) => {
        const item = answer.items[events.length - batchProbes.length + i];
        if (item?.status !== 'accepted') return void (probe.outcome = 'rejected');
        probe.ackedAtMs = Math.round(acked - t0);
        watching += 1;
        track(watchProbe(probe, acked, config, pollSlots, pollLog).finally(() => (watching -= 1)));
      });
    } catch (error) {
      fail(batchProbes, (error as Error).name);
    } finally {
      postSlots.release();
    }
  }

  const progress = setInterval(() => {
    send({
      kind: 'progress',
      progress: {
        elapsedS: Math.round((performance.now() - t0) / 1000),
        eventsAccepted: load.eventsAccepted,
        postsInFlight: postSlots.inUse,
        probesSeen: probes.filter((p) => p.outcome === 'seen').length,
        probesWatching: watching,
        lastPollMs: pollLog.latenciesMs.length > 0 ? Math.round(pollLog.latenciesMs.at(-1)!) : null,
      },
    });
  }, 5_000);

  // Each POST is scheduled by absolute time from the start, so a late one does not push the rest
  // back. The load stops at its end time even when behind (in-flight bound reached): POSTs not
  // sent by then are skipped, so a slow ingest lowers the achieved rate instead of stretching the run.
  for (let tick = 0; tick < ticks; tick++) {
    const due = t0 + tick * intervalMs;
    await sleep(due - performance.now());
    await postSlots.acquire();
    if (performance.now() - t0 >= loadMs) {
      postSlots.release();
      load.skippedPosts = ticks - tick;
      break;
    }
    const lag = performance.now() - due;
    load.maxLagMs = Math.max(load.maxLagMs, lag);
    if (lag > intervalMs) load.lateTicks += 1;
    const events: CanonicalEventInput[] = [];
    for (let i = 0; i < config.batchSize; i++) {
      const next = sample.next();
      if (next.done) break;
      events.push(next.value);
    }
    const batchProbes: ProbeRecord[] = [];
    const sinceStart = performance.now() - t0;
    while (probes.length * probeEveryMs <= sinceStart && probes.length * probeEveryMs < loadMs) {
      const probe: ProbeRecord = { n: probes.length, warmup: sinceStart < warmupMs, outcome: 'lost', polls: 0 };
      probes.push(probe);
      batchProbes.push(probe);
      events.push(probeEvent(probe.n));
    }
    // Counted by when it leaves, not when it was due: a driver behind schedule is still measured.
    const measured = performance.now() - t0 >= warmupMs;
    load.posts += 1;
    load.eventsSent += events.length;
    if (measured) load.measured.eventsSent += events.length;
    track(post(events, batchProbes, measured));
  }
  // Every POST and every probe watch is bounded by its own timeout.
  while (pending.size > 0) await Promise.all([...pending]);
  clearInterval(progress);

  load.durationMs = Math.max(0, Math.round(lastAck - t0));
  const measuredMs = Math.max(1, lastAck - t0 - warmupMs);
  load.measured.achievedRate = Math.round((load.measured.eventsAccepted / measuredMs) * 1000);
  load.maxLagMs = Math.round(load.maxLagMs);
  const counted = probes.filter((p) => !p.warmup && (p.outcome === 'seen' || p.outcome === 'lost'));
  const count = (outcome: string) => probes.filter((p) => p.outcome === outcome).length;
  return {
    startedAtEpochMs: performance.timeOrigin + t0,
    load,
    ackLatencyMs: distribution(ackLatencies),
    probes: {
      sent: probes.length,
      measured: counted.length,
      seen: count('seen'),
      lost: count('lost'),
      rejected: count('rejected'),
      notAcknowledged: count('not-acknowledged'),
      freshnessMs: distribution(counted.map((p) => p.freshnessMs ?? Number.POSITIVE_INFINITY)),
      list: probes.map(roundProbe),
    },
    polls: {
      count: pollLog.count,
      errors: pollLog.errors,
      latencyMs: distribution(pollLog.latenciesMs),
      lastTenMs: pollLog.latenciesMs.slice(-10).map(Math.round),
    },
  };
}

function roundProbe(probe: ProbeRecord): ProbeRecord {
  const { freshnessMs, confirmingPollMs } = probe;
  return {
    ...probe,
    ...(freshnessMs !== undefined && { freshnessMs: Math.round(freshnessMs) }),
    ...(confirmingPollMs !== undefined && { confirmingPollMs: Math.round(confirmingPollMs) }),
  };
}

process.once('message', (config: DriverConfig) => {
  // Exits once the answer is handed over; the generator and keep-alive sockets hold nothing worth keeping.
  const exit = () => process.exit(0);
  drive(config).then(
    (report) => send({ kind: 'report', report }, exit),
    (error: unknown) => send({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, exit),
  );
});
