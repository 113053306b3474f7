// The end-to-end load, a child process of the benchmark: POSTs the generated sample to ingest
// as JSON arrays, as fast as ingest answers, with a fixed number of requests in flight, until
// the time is up. Events are generated while requests are in flight; the report carries this
// process's CPU, which the machine's two cores share with the services.
import { generateEvents, type Order } from '@seamline/generator';
import { countAnswer, countFailure, noPosts, type IngestAnswer, type PostCounts } from '../posts.ts';
import { Slots, sleep } from '../slots.ts';
import { distribution, type Distribution } from '../stats.ts';
import { cpuSince, epochMs, round1, serveChild } from './children.ts';

export interface LoadConfig {
  ingestUrl: string;
  seconds: number;
  batchSize: number;
  inFlight: number;
  seed: number;
  /** Of the generated sample; default time. */
  order?: Order;
}

export interface LoadProgress {
  elapsedS: number;
  eventsAccepted: number;
}

export interface LoadReport extends PostCounts {
  /** Epoch ms when the first POST left. */
  firstPostAtEpochMs: number;
  /** Epoch ms of the last acknowledgement. */
  lastAckAtEpochMs: number;
  /** Accepted events per second from the first POST to the last acknowledgement. */
  acceptedRate: number;
  ackLatencyMs: Distribution;
  cpu: { userS: number; systemS: number; cores: number };
}

const POST_TIMEOUT_MS = 60_000;
/** After a refusal (503, 429) a slot waits this long, so a struggling ingest is not hammered. */
const BACKOFF_MS = 200;
/**
 * Events per second of the run the sample is sized for: more than ingest answers on the machines
 * this runs on. The sample spans its whole period whatever its size, so a far larger one would
 * only make the generator's first day (and its memory) larger.
 */
const SAMPLE_EVENTS_PER_SECOND = 100_000;

serveChild<LoadConfig, LoadReport, LoadProgress>(async (config, progress) => {
  const events = Math.max(1_000_000, config.seconds * SAMPLE_EVENTS_PER_SECOND);
  const sample = generateEvents({ events, seed: config.seed, order: config.order ?? 'time' })[Symbol.iterator]();
  const slots = new Slots(config.inFlight);
  const pending = new Set<Promise<void>>();
  const report: LoadReport = {
    firstPostAtEpochMs: 0,
    lastAckAtEpochMs: 0,
    ...noPosts(),
    acceptedRate: 0,
    ackLatencyMs: distribution([]),
    cpu: { userS: 0, systemS: 0, cores: 0 },
  };
  const latencies: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = epochMs();
  const endsAt = started + config.seconds * 1000;
  report.firstPostAtEpochMs = started;
  const ticker = setInterval(
    () => progress({ elapsedS: Math.round((epochMs() - started) / 1000), eventsAccepted: report.eventsAccepted }),
    5_000,
  );

  async function post(body: string): Promise<void> {
    const sentAt = epochMs();
    try {
      const response = await fetch(`${config.ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      if (response.status !== 200) {
        await response.arrayBuffer();
        countFailure(report, response.status);
        await sleep(BACKOFF_MS);
        return;
      }
      const answer = (await response.json()) as IngestAnswer;
      const ackedAt = epochMs();
      latencies.push(ackedAt - sentAt);
      report.lastAckAtEpochMs = Math.max(report.lastAckAtEpochMs, ackedAt);
      countAnswer(report, answer);
    } catch (error) {
      countFailure(report, (error as Error).name);
    } finally {
      slots.release();
    }
  }

  for (;;) {
    await slots.acquire();
    if (epochMs() >= endsAt) {
      slots.release();
      break;
    }
    const events = [];
    for (let i = 0; i < config.batchSize; i++) {
      const next = sample.next();
      if (next.done) break;
      events.push(next.value);
    }
    report.posts += 1;
    report.eventsSent += events.length;
    const work = post(JSON.stringify(events));
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }
  while (pending.size > 0) await Promise.all([...pending]);
  clearInterval(ticker);
  const wallMs = epochMs() - started;
  const ackWindowMs = report.lastAckAtEpochMs - started;
  report.acceptedRate = ackWindowMs > 0 ? Math.round((report.eventsAccepted / ackWindowMs) * 1000) : 0;
  report.ackLatencyMs = distribution(latencies);
  report.cpu = cpuSince(cpuBefore, wallMs);
  report.firstPostAtEpochMs = round1(report.firstPostAtEpochMs);
  report.lastAckAtEpochMs = round1(report.lastAckAtEpochMs);
  return report;
});
