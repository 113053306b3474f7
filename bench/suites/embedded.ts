import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dirBytes, RSS_POLL_MS, toMiB } from '../data/child.ts';
import { ensureSample, ingestFile, type IngestRun, type Progress, type Sample } from '../data/dataset.ts';
import type { Figure, Suite, SuiteContext, SuiteResult } from '../suite.ts';

const FULL_EVENTS = 1_000_000;
const QUICK_EVENTS = 100_000;
const TARGET_EVENTS_PER_SECOND = 50_000;
const TARGET_RSS_MIB = 1024;

/**
 * Embedded mode (issue: "`seamline ingest` of 1M events, events/s; peak RSS"): the real command,
 * as a child process on a fresh store, timed from spawn to exit; its peak resident set from
 * /proc. A one-event ingest on another fresh store times what the command costs before the
 * first event (start-up, opening the store, migrations, closing), so the rate is given both ways.
 * The sample comes in the order of --order (time by default: the organisation's stream); the same
 * events are then ingested once more as a shuffled backfill (one export per source system, far
 * out of time order), which makes the stitcher re-stitch as late events and late links arrive.
 */
export const embeddedSuite: Suite = {
  name: 'embedded',
  summary: 'seamline ingest of 1M events on the embedded engine (fresh store), in time order and as a shuffled backfill: events/s from spawn to exit, peak RSS',
  run: runEmbedded,
};

async function runEmbedded(ctx: SuiteContext): Promise<SuiteResult> {
  const events = ctx.quick ? QUICK_EVENTS : FULL_EVENTS;
  const progress = { say: ctx.say, signal: ctx.signal };
  const sample = await ensureSample(events, ctx.seed, progress, ctx.order);

  // The start-up: the first line of the sample alone, into a store of its own.
  const startup = await withFreshStore(async (dataDir) => {
    const oneLine = join(dataDir, 'one-event.ndjson');
    writeFileSync(oneLine, firstLine(sample.eventsFile));
    ctx.say('seamline ingest of one event (start-up and shut-down of the command)');
    return ingestFile(oneLine, 1, { dataDir, orgMapFile: sample.orgMapFile }, { ...progress, label: 'one event' });
  });
  ctx.say(`one event: ${Math.round(startup.wallMs)} ms, peak RSS ${toMiB(startup.peakRssBytes)} MiB`);

  ctx.say(`seamline ingest of ${events.toLocaleString('en')} events (${ctx.order} order) into a fresh store`);
  const { run: ingest, storeBytes } = await ingestFresh(sample, progress, 'ingest');
  const excludingStartupS = (ingest.wallMs - startup.wallMs) / 1000;
  const rateExcludingStartup = excludingStartupS > 0 ? events / excludingStartupS : null;
  ctx.say(
    `${events.toLocaleString('en')} events in ${(ingest.wallMs / 1000).toFixed(1)} s: ${Math.round(ingest.eventsPerSecond).toLocaleString('en')} events/s ` +
      `(${rateExcludingStartup === null ? 'n/a' : Math.round(rateExcludingStartup).toLocaleString('en')} events/s without the one-event run's ${Math.round(startup.wallMs)} ms), ` +
      `peak RSS ${toMiB(ingest.peakRssBytes)} MiB`,
  );

  // The same events as a backfill, unless the sample already is one.
  let backfill: { sample: Sample; run: IngestRun; storeBytes: number } | undefined;
  if (ctx.order !== 'shuffled') {
    const shuffled = await ensureSample(events, ctx.seed, progress, 'shuffled');
    ctx.say(`seamline ingest of the same ${events.toLocaleString('en')} events as a shuffled backfill into a fresh store`);
    backfill = { sample: shuffled, ...(await ingestFresh(shuffled, progress, 'backfill')) };
    ctx.say(
      `backfill: ${Math.round(backfill.run.eventsPerSecond).toLocaleString('en')} events/s in ${(backfill.run.wallMs / 1000).toFixed(1)} s, ` +
        `peak RSS ${toMiB(backfill.run.peakRssBytes)} MiB`,
    );
  }

  const sizeNote = ctx.quick ? ` (--quick: ${events.toLocaleString('en')} events; the target is for ${FULL_EVENTS.toLocaleString('en')})` : '';
  const figures: Figure[] = [
    {
      name: 'embedded ingest',
      value: round(ingest.eventsPerSecond),
      unit: 'events/s',
      target: { op: '>=', value: TARGET_EVENTS_PER_SECOND },
      note: `seamline ingest --json of ${events.toLocaleString('en')} events (${ctx.order} order) into a fresh embedded store, wall time from spawn to exit${sizeNote}`,
    },
    {
      name: 'embedded ingest without start-up',
      value: rateExcludingStartup === null ? null : round(rateExcludingStartup),
      unit: 'events/s',
      note: `the same run less the ${Math.round(startup.wallMs)} ms of ingesting one event into a fresh store (start-up, migrations, closing)`,
    },
    {
      name: 'embedded ingest peak RSS',
      value: toMiB(ingest.peakRssBytes),
      unit: 'MiB',
      target: { op: '<=', value: TARGET_RSS_MIB },
      note: `VmHWM of the seamline ingest process (the all-in-one embedded process), read every ${RSS_POLL_MS} ms; the last reading before it exited${sizeNote}`,
    },
  ];
  if (backfill !== undefined) {
    const exports = 'the same events as one export per source system (Zendesk, Connect, Stripe) after another, each in scrambled pages';
    figures.push(
      {
        name: 'embedded ingest, shuffled backfill',
        value: round(backfill.run.eventsPerSecond),
        unit: 'events/s',
        target: { op: '>=', value: TARGET_EVENTS_PER_SECOND },
        baseline: { name: `${ctx.order} order`, value: round(ingest.eventsPerSecond) },
        note: `seamline ingest --json of ${exports}, into a fresh embedded store, wall time from spawn to exit${sizeNote}`,
      },
      {
        name: 'embedded ingest peak RSS, shuffled backfill',
        value: toMiB(backfill.run.peakRssBytes),
        unit: 'MiB',
        target: { op: '<=', value: TARGET_RSS_MIB },
        ...(ingest.peakRssBytes === undefined ? {} : { baseline: { name: `${ctx.order} order`, value: toMiB(ingest.peakRssBytes) as number } }),
        note: `VmHWM of the seamline ingest process of the backfill, read every ${RSS_POLL_MS} ms${sizeNote}`,
      },
    );
  }
  return {
    figures,
    details: {
      events,
      seed: ctx.seed,
      order: ctx.order,
      sample: { dir: sample.dir, bytes: sample.bytes, reused: sample.reused, generateMs: sample.generateMs, period: sample.period },
      ingest: describe(ingest),
      backfill:
        backfill === undefined
          ? null
          : {
              sample: { dir: backfill.sample.dir, bytes: backfill.sample.bytes, reused: backfill.sample.reused, generateMs: backfill.sample.generateMs },
              ingest: describe(backfill.run),
              storeBytesAfterIngest: backfill.storeBytes,
            },
      startupOneEvent: { ...startup.counts, wallMs: Math.round(startup.wallMs), peakRssMiB: toMiB(startup.peakRssBytes) },
      wallMsExcludingStartup: Math.round(ingest.wallMs - startup.wallMs),
      eventsPerSecondExcludingStartup: rateExcludingStartup === null ? null : round(rateExcludingStartup),
      storeBytesAfterIngest: storeBytes,
      engine: 'embedded (chDB), CLICKHOUSE_URL and KAFKA_BROKERS unset for the child',
    },
  };
}

/** `seamline ingest` of the whole sample into a fresh store; what the store then took on disk. */
function ingestFresh(sample: Sample, progress: Progress, label: string): Promise<{ run: IngestRun; storeBytes: number }> {
  return withFreshStore(async (dataDir) => {
    const run = await ingestFile(sample.eventsFile, sample.events, { dataDir, orgMapFile: sample.orgMapFile }, { ...progress, label });
    return { run, storeBytes: dirBytes(dataDir) };
  });
}

/** A fresh SEAMLINE_DATA_DIR for `work`, removed afterwards whatever happens. */
async function withFreshStore<T>(work: (dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'seamline-bench-embedded-'));
  try {
    return await work(dataDir);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The first line of a file, with its newline, without reading the whole file. */
function firstLine(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const end = buffer.subarray(0, read).indexOf(0x0a);
    if (end < 0) throw new Error(`${file}: no complete line in its first MiB`);
    return buffer.subarray(0, end + 1).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function describe(run: IngestRun) {
  return { ...run.counts, wallMs: Math.round(run.wallMs), eventsPerSecond: round(run.eventsPerSecond), peakRssBytes: run.peakRssBytes ?? null, peakRssMiB: toMiB(run.peakRssBytes) };
}

const round = (n: number) => Math.round(n);
