import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, REPO_ROOT, runNode } from '../data/child.ts';
import { ensureSample } from '../data/dataset.ts';
import type { Figure, Suite, SuiteContext, SuiteResult } from '../suite.ts';

const FULL_EVENTS = 10_000_000;
const QUICK_EVENTS = 1_000_000;
const TARGET_RATIO = 0.8;
const TARGET_RSS_MIB = 1024;
const TARGET_LOAD_S = 60;

interface GrowthRun {
  events: number;
  totalSeconds: number;
  eventsPerSecond: number;
  peakRssMiB: number;
  slices: { upTo: number; seconds: number; eventsPerSecond: number; peakRssMiB: number; heldEvents: number }[];
  stateLoadSeconds: number;
  state: Record<string, number>;
}

/**
 * How the stitcher's cost per event grows with what is stored: a time-ordered stream of 10M
 * events (customers interleaved, coming back over weeks, late identity links) stitched on the
 * embedded engine by the stitcher's batch processor, timed per slice of 1M events; the first
 * slice meets an empty store, the last one 9M stored events. Then a stitcher restarted on the
 * finished store loads its state. With the default state budget.
 */
export const growthSuite: Suite = {
  name: 'growth',
  summary: 'the stitcher on a time-ordered 10M-event stream: events/s per 1M slice (first vs last), peak RSS, state load at start',
  run: runGrowth,
};

async function runGrowth(ctx: SuiteContext): Promise<SuiteResult> {
  const events = ctx.quick ? QUICK_EVENTS : FULL_EVENTS;
  const slice = events / 10;
  const sample = await ensureSample(events, ctx.seed, { say: ctx.say, signal: ctx.signal });
  const dataDir = mkdtempSync(join(tmpdir(), 'seamline-growth-'));
  try {
    ctx.say(`stitching ${events.toLocaleString('en')} events in slices of ${slice.toLocaleString('en')}`);
    const child = await runNode(['--import', 'tsx', join(REPO_ROOT, 'bench/throughput/growth-child.ts'), sample.eventsFile, dataDir, sample.orgMapFile, String(slice)], {
      env: childEnv({}),
      signal: ctx.signal,
      timeoutMs: 4 * 3_600_000,
      tick: { everyMs: 60_000, fn: (_pid, tail) => ctx.say(tail.trim().split('\n').pop() ?? '') },
    });
    if (child.code !== 0) throw new Error(`growth child failed (${child.code}): ${child.stderr.slice(-2_000)}`);
    const run = JSON.parse(child.stdout.trim().split('\n').pop()!) as GrowthRun;
    const first = run.slices[0]!;
    const last = run.slices[run.slices.length - 1]!;
    const ratio = last.eventsPerSecond / first.eventsPerSecond;
    const sizeNote = ctx.quick ? ` (--quick: ${events.toLocaleString('en')} events; the targets are for ${FULL_EVENTS.toLocaleString('en')})` : '';
    const figures: Figure[] = [
      { name: 'first slice', value: Math.round(first.eventsPerSecond), unit: 'events/s', note: `events 1 to ${first.upTo.toLocaleString('en')}, empty store at the start${sizeNote}` },
      {
        name: 'last slice',
        value: Math.round(last.eventsPerSecond),
        unit: 'events/s',
        baseline: { name: 'first slice', value: Math.round(first.eventsPerSecond) },
        note: `the last ${slice.toLocaleString('en')} events, with ${(last.upTo - slice).toLocaleString('en')} stored before them`,
      },
      { name: 'last slice / first slice', value: Math.round(ratio * 100), unit: '%', target: { op: '>=', value: TARGET_RATIO * 100 } },
      { name: 'whole stream', value: Math.round(run.eventsPerSecond), unit: 'events/s', note: 'stitching only: batches of 10,000 validated as ingest does, no process start-up' },
      { name: 'peak RSS', value: Math.round(run.peakRssMiB), unit: 'MiB', target: { op: '<=', value: TARGET_RSS_MIB }, note: 'the whole process: the embedded engine (about 220 MB of it) and the stitcher state' },
      { name: 'state load at start', value: Math.round(run.stateLoadSeconds * 1000), unit: 'ms', target: { op: '<=', value: TARGET_LOAD_S * 1000 }, note: `a restarted stitcher on the ${events.toLocaleString('en')}-event store` },
    ];
    return { figures, details: { sample: sample.eventsFile, ...run } };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
