import { join } from 'node:path';
import { childEnv, REPO_ROOT, runNode } from '../data/child.ts';
import { ensureStore } from '../data/dataset.ts';
import type { Distribution } from '../stats.ts';
import type { Figure, Suite, SuiteContext, SuiteResult } from '../suite.ts';

const FULL_EVENTS = 10_000_000;
const QUICK_EVENTS = 200_000;
const FULL_SECONDS = 20;
const QUICK_SECONDS = 3;

type Load = Record<'summary' | 'teams' | 'transitions', Distribution> & { byAsOf: Record<string, Distribution> };
interface Measured {
  rollupBuild: { hours: number; ms: number };
  clients: number;
  oneClient: Load;
  manyClients: Load;
  oneClientAnyInstant: Load;
  warmUp: { ms: number; hours: number; entries: number };
  cached: Distribution;
  drillDown: Distribution;
  trend90: Distribution;
  eventsPath?: { ms: number; events: number };
  peakRssMiB: number;
}

/**
 * A team lead's questions at any asOf (issue: "every question answered from the tables in
 * milliseconds, at any asOf"): on the api suite's store, a child process (one engine per process)
 * builds the metric rollups as a stitcher does at start, then asks the metrics service (as the
 * metric API does) uncached summary, teams and transitions questions for random periods (a day, a
 * week, 30 days from a UTC midnight, as the dashboard asks), scopes and asOf values, half of them
 * before the latest event, from one client and from 32 at once; from one client again with periods
 * from any instant (their edges cut hours, read row by row); the same question twice
 * (kept answer); the journey drill-down; a 90-day team trend; and once the events path the tables
 * replace (every journey rebuilt from all events). In-process: no HTTP between.
 */
export const questionsSuite: Suite = {
  name: 'questions',
  summary: 'metric questions at any asOf from the tables and rollups at 10M events (1 and 32 clients, cached, drill-down, 90-day trend), beside the events path',
  run: runQuestions,
};

async function runQuestions(ctx: SuiteContext): Promise<SuiteResult> {
  const events = ctx.quick ? QUICK_EVENTS : FULL_EVENTS;
  const seconds = ctx.quick ? QUICK_SECONDS : FULL_SECONDS;
  const store = await ensureStore(events, ctx.seed, { say: ctx.say, signal: ctx.signal }, ctx.order);
  ctx.say(`asking questions of ${store.dataDir}`);
  const child = await runNode(['--import', 'tsx', join(REPO_ROOT, 'bench/questions/measure.ts'), store.dataDir, store.sample.orgMapFile, String(seconds), '1'], {
    env: childEnv({}),
    signal: ctx.signal,
    timeoutMs: 3 * 3_600_000,
    tick: { everyMs: 30_000, fn: (_pid, tail) => ctx.say(tail.trim().split('\n').pop() ?? '') },
  });
  // First line: the questions; second: the events path, which may run out of memory on a big store.
  const [questionsLine, eventsLine] = child.stdout.trim().split('\n');
  if (!questionsLine) throw new Error(`questions child failed (${child.code}): ${child.stderr.slice(-2_000)}`);
  const run = JSON.parse(questionsLine) as Measured;
  if (eventsLine) run.eventsPath = (JSON.parse(eventsLine) as Pick<Measured, 'eventsPath'>).eventsPath;
  const eventsPathFailure = run.eventsPath ? undefined : `the events path did not finish (exit ${child.code}): ${child.stderr.trim().split('\n').filter((line) => !/^\s*\d+: 0x/.test(line)).slice(-3).join(' ')}`;
  const size = `${events.toLocaleString('en')} events${ctx.quick ? ` (--quick; the targets are for ${FULL_EVENTS.toLocaleString('en')})` : ''}`;
  const worst = (load: Load) => Math.max(load.summary.p99 ?? Infinity, load.teams.p99 ?? Infinity, load.transitions.p99 ?? Infinity);
  const baseline = run.eventsPath && { name: 'events path, one question', value: run.eventsPath.ms };
  const kinds = (load: Load) =>
    Object.entries(load.byAsOf)
      .map(([kind, d]) => `asOf ${kind}: p50 ${d.p50} ms, p99 ${d.p99} ms (${d.count})`)
      .join('; ');
  const figures: Figure[] = [
    {
      name: 'uncached p99, one client',
      value: worst(run.oneClient),
      unit: 'ms',
      target: { op: '<=', value: 100 },
      ...(baseline && { baseline }),
      note: `worst of summary, teams, transitions; ${kinds(run.oneClient)}; ${size}`,
    },
    {
      name: `uncached p99, ${run.clients} clients`,
      value: worst(run.manyClients),
      unit: 'ms',
      target: { op: '<=', value: 250 },
      ...(baseline && { baseline }),
      note: `the embedded engine runs one query at a time: each waits for those before it; ${kinds(run.manyClients)}`,
    },
    {
      name: 'uncached p99, one client, periods from any instant',
      value: worst(run.oneClientAnyInstant),
      unit: 'ms',
      note: `the hours a period's edges cut are read row by row; ${kinds(run.oneClientAnyInstant)}`,
    },
    { name: 'cached p99', value: run.cached.p99, unit: 'ms', target: { op: '<=', value: 20 }, note: 'the same summary asked again of the metric service' },
    { name: 'journey drill-down p99', value: run.drillDown.p99, unit: 'ms', target: { op: '<=', value: 50 } },
    { name: 'team trend of 90 days p99', value: run.trend90.p99, unit: 'ms', target: { op: '<=', value: 150 }, note: 'days, half asOf the end of the trend, half after the latest event' },
    {
      name: 'first question over every hour',
      value: run.warmUp.ms,
      unit: 'ms',
      note: `the service reads the rollup entries it keeps in memory: ${run.warmUp.entries.toLocaleString('en')} for ${run.warmUp.hours} hours`,
    },
    { name: 'rollups built at open', value: run.rollupBuild.ms, unit: 'ms', note: `${run.rollupBuild.hours} hours (a store built before the rollups, or 0 when current)` },
    { name: 'peak RSS', value: run.peakRssMiB, unit: 'MiB', note: 'the child while asking the questions (before the events path)' },
    { name: 'events path, one question', value: run.eventsPath?.ms ?? null, unit: 'ms', note: eventsPathFailure ?? `${run.eventsPath!.events.toLocaleString('en')} events read and every journey rebuilt` },
  ];
  return { figures, details: { store: store.dataDir, ...run } };
}
