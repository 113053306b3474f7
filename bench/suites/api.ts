import { performance } from 'node:perf_hooks';
import { createRandom } from '@seamline/generator';
import { peakRssBytes, startService } from '@seamline/infra/service-process';
import { childEnv, RSS_POLL_MS, runSeamline, toMiB, waitIdle } from '../data/child.ts';
import { ensureStore, type Store } from '../data/dataset.ts';
import { runLoad, type LoadResult } from '../data/http-load.ts';
import type { Figure, Suite, SuiteContext, SuiteResult } from '../suite.ts';
import { REQUEST_TIMEOUT_SECONDS, checkPaths, collectJourneyIds, getJson, periodsOf, query, scoped, shuffle, uncachedPaths, type Endpoint, type Preflight } from './api-paths.ts';
import { freePort, keepTail, stopService, waitReady } from './api-service.ts';

const FULL_EVENTS = 10_000_000;
const QUICK_EVENTS = 200_000;
const CONNECTIONS = 32;
const FULL_SECONDS = 20;
const QUICK_SECONDS = 5;
const TARGET_P99_MS = 50;
const TARGET_RSS_MIB = 1024;
const DRILL_DOWN_WARMUP_SECONDS = 3;
/** Longest wait for the service to work off what a finished run left queued. */
const IDLE_WAIT_MS = 300_000;

const AGGREGATES = ['summary', 'teams', 'transitions'] as const;

/**
 * Metric API latency (issue: "at 10M events / 1M customers with 32 concurrent clients
 * (autocannon): p50 and p99 for summary, teams, transitions and journey drill-down"). The real
 * metrics-api process serves a store built once with `seamline ingest` and kept in .cache/bench;
 * autocannon sends each endpoint a fixed list of requests round-robin: org-wide, per team and per
 * silo, over months, the whole period, 30 days and a week; drill-down over journey ids the
 * teams' worst-journey lists give. The service may keep answers for repeated requests, so each
 * aggregate endpoint also gets a run in which no request repeats (periods of whole days, each
 * with each scope once): what computing an answer costs under the same load.
 */
export const apiSuite: Suite = {
  name: 'api',
  summary: 'metric API latency at 10M events with 32 concurrent clients (autocannon): p50/p99 of summary, teams, transitions, journey drill-down; peak RSS',
  run: runApi,
};


interface TeamRow {
  team: string;
  silo: string;
}

interface EndpointRuns {
  warmup: LoadSummary;
  /** Over the fixed list of paths, round-robin. */
  measured: LoadResult;
  /** Aggregates only: over periods and scopes each asked once, so no kept answer can serve them. */
  uncached?: LoadResult & { paths: number };
  idleWaitMs: { beforeChecks: number; beforeRun: number; beforeUncached?: number };
}


async function runApi(ctx: SuiteContext): Promise<SuiteResult> {
  const events = ctx.quick ? QUICK_EVENTS : FULL_EVENTS;
  const seconds = ctx.quick ? QUICK_SECONDS : FULL_SECONDS;
  const store = await ensureStore(events, ctx.seed, { say: ctx.say, signal: ctx.signal }, ctx.order);

  // The key is made before the service opens the store: one process at a time on the embedded engine.
  const storeEnv = { SEAMLINE_DATA_DIR: store.dataDir, SEAMLINE_ORG_MAP: store.sample.orgMapFile };
  const keyRun = await runSeamline(['keys', 'create', '--admin', '--name', 'bench api suite', '--json'], {
    env: childEnv(storeEnv),
    signal: ctx.signal,
    timeoutMs: 300_000,
  });
  const { key } = JSON.parse(keyRun.stdout.trim().split('\n').at(-1) ?? '{}') as { key?: string };
  if (!key) throw new Error(`seamline keys create --admin --json printed no key: ${keyRun.stdout.slice(0, 200)}`);
  const headers = { authorization: `Bearer ${key}` };

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  ctx.say(`starting metrics-api on ${baseUrl} over ${store.dataDir}`);
  const startedAt = performance.now();
  const service = startService('metrics-api', { ...storeEnv, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info' });
  const log = keepTail(service);
  let peakRss = peakRssBytes(service.child.pid);
  const rssPoll = setInterval(() => (peakRss = peakRssBytes(service.child.pid) ?? peakRss), RSS_POLL_MS);
  try {
    await waitReady(baseUrl, service, log, ctx.signal);
    const readyMs = Math.round(performance.now() - startedAt);
    ctx.say(`metrics-api ready after ${readyMs} ms`);

    const periods = periodsOf(store.sample.period);
    const whole = periods.find((p) => p.name === 'whole period')!;
    const rows = await getJson<{ teams: TeamRow[] }>(baseUrl, `/v1/metrics/teams?${query({ from: whole.from, to: whole.to })}`, headers);
    const teams = [...new Set(rows.teams.map((row) => row.team))].sort();
    const silos = [...new Set(rows.teams.map((row) => row.silo))].sort();
    ctx.say(`${teams.length} teams in ${silos.length} silos; collecting journey ids from the teams' worst-journey lists`);

    const random = createRandom(ctx.seed, 7);
    const paths: Record<Endpoint, string[]> = {
      summary: shuffle(random, periods.flatMap((p) => [scoped('summary', p), ...teams.map((team) => scoped('summary', p, { team })), ...silos.map((silo) => scoped('summary', p, { silo }))])),
      teams: shuffle(random, periods.flatMap((p) => [scoped('teams', p), ...silos.map((silo) => scoped('teams', p, { silo }))])),
      transitions: shuffle(random, periods.flatMap((p) => [scoped('transitions', p), ...teams.map((team) => scoped('transitions', p, { team })), ...silos.map((silo) => scoped('transitions', p, { silo }))])),
      'journey drill-down': [],
    };
    const journeyIds = await collectJourneyIds(baseUrl, headers, teams, periods.filter((p) => p.name.startsWith('month')), ctx.signal);
    paths['journey drill-down'] = journeyIds.ids.map((id) => `/v1/journeys/${encodeURIComponent(id)}`);
    ctx.say(`${journeyIds.ids.length} journey ids from ${journeyIds.listRequests} list requests (${journeyIds.distinct} distinct)`);

    const preflight: Partial<Record<Endpoint, Preflight>> = {};
    const runs: Partial<Record<Endpoint, EndpointRuns>> = {};
    for (const endpoint of [...AGGREGATES, 'journey drill-down'] as const) {
      if (ctx.signal.aborted) throw new Error('aborted');
      // Each step starts on a quiet service: requests a finished run stopped waiting for are worked off first.
      const idleBeforeChecksMs = await waitIdle(service.child.pid, IDLE_WAIT_MS, ctx.signal);
      preflight[endpoint] = await checkPaths(baseUrl, headers, endpoint, paths[endpoint], ctx.signal);
      const problems = preflight[endpoint].problems;
      if (problems.length > 0) ctx.say(`${endpoint}: ${problems.length} of ${preflight[endpoint].checked} checked paths answered wrongly, e.g. ${problems[0]}`);
      if (paths[endpoint].length === 0) {
        ctx.say(`${endpoint}: nothing to request`);
        continue;
      }
      const load = { baseUrl, headers, connections: CONNECTIONS, timeoutSeconds: REQUEST_TIMEOUT_SECONDS, signal: ctx.signal, paths: paths[endpoint] };
      // A dashboard's first view computes its answers; the measured run is the views after it.
      ctx.say(`${endpoint}: ${paths[endpoint].length} paths, ${CONNECTIONS} connections, a warm-up, then ${seconds} s measured`);
      // The drill-down keeps no answers: its warm-up is a few seconds of the same load.
      const warmup = await runLoad(endpoint === 'journey drill-down' ? { ...load, seconds: DRILL_DOWN_WARMUP_SECONDS } : { ...load, amount: paths[endpoint].length });
      const idleBeforeRunMs = await waitIdle(service.child.pid, IDLE_WAIT_MS, ctx.signal);
      const measured = await runLoad({ ...load, seconds });
      const endpointRuns: EndpointRuns = { warmup: summarize(warmup), measured, idleWaitMs: { beforeChecks: idleBeforeChecksMs, beforeRun: idleBeforeRunMs } };
      runs[endpoint] = endpointRuns;
      ctx.say(`${endpoint}: ${describeRun(measured)}`);
      if (endpoint === 'journey drill-down') continue;

      const fresh = uncachedPaths(endpoint, store.sample.period, periods, { teams, silos }, random);
      endpointRuns.idleWaitMs.beforeUncached = await waitIdle(service.child.pid, IDLE_WAIT_MS, ctx.signal);
      ctx.say(`${endpoint}, uncached: ${seconds} s over ${fresh.length.toLocaleString('en')} periods and scopes, each asked once`);
      endpointRuns.uncached = { ...(await runLoad({ ...load, paths: fresh, seconds })), paths: fresh.length };
      ctx.say(`${endpoint}, uncached: ${describeRun(endpointRuns.uncached)}`);
    }
    peakRss = peakRssBytes(service.child.pid) ?? peakRss;
    ctx.say(`metrics-api peak RSS ${toMiB(peakRss)} MiB`);

    return {
      figures: figuresOf(runs, preflight, peakRss, { seconds, quick: ctx.quick, store, paths }),
      details: {
        dataset: datasetDetails(store),
        service: { readyMs, peakRssBytes: peakRss ?? null, peakRssMiB: toMiB(peakRss), logLevel: 'info', engine: 'embedded (chDB) in the metrics-api process' },
        settings: {
          connections: CONNECTIONS,
          warmup: 'each path of the list once, 32 at a time (its figures are in runs.<endpoint>.warmup)',
          seconds,
          requestTimeoutSeconds: REQUEST_TIMEOUT_SECONDS,
          auth: 'admin API key, Authorization: Bearer',
          asOf: 'not given (now: after every stored event, so the stitched tables answer)',
          load: 'autocannon in the runner process, on the same machine as the service',
        },
        periods,
        teams,
        silos,
        paths: Object.fromEntries(Object.entries(paths).map(([endpoint, list]) => [endpoint, { count: list.length, examples: list.slice(0, 3) }])),
        journeyIds: { used: journeyIds.ids.length, distinct: journeyIds.distinct, listRequests: journeyIds.listRequests, listLatencyMs: journeyIds.listLatencyMs },
        preflight,
        requestsPerSecond: Object.fromEntries(Object.entries(runs).map(([endpoint, run]) => [endpoint, run.measured.requestsPerSecond])),
        runs,
      },
    };
  } catch (error) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(`${(error as Error).message}\nmetrics-api exited (${service.child.exitCode ?? service.child.signalCode}); its last output:\n${log.tail().slice(-4000)}`);
    }
    throw error;
  } finally {
    clearInterval(rssPoll);
    await stopService(service);
  }
}

function figuresOf(
  runs: Partial<Record<Endpoint, EndpointRuns>>,
  preflight: Partial<Record<Endpoint, Preflight>>,
  peakRss: number | undefined,
  context: { seconds: number; quick: boolean; store: Store; paths: Record<Endpoint, string[]> },
): Figure[] {
  const size = `${context.store.stats.events.toLocaleString('en')} events, ${context.store.stats.customers.toLocaleString('en')} customers${context.quick ? ' (--quick; the target is for 10M events)' : ''}`;
  const figures: Figure[] = [];
  for (const endpoint of [...AGGREGATES, 'journey drill-down'] as const) {
    const run = runs[endpoint]?.measured;
    const listed = `${context.paths[endpoint].length} distinct paths round-robin`;
    const how = run ? `${run.requestsPerSecond} requests/s, ${CONNECTIONS} connections, ${context.seconds} s after ${endpoint === 'journey drill-down' ? `${DRILL_DOWN_WARMUP_SECONDS} s of warm-up` : 'a warm-up asking each path once'}, ${listed}; ${size}` : 'not measured';
    const checked = preflight[endpoint];
    const wrong = checked && checked.problems.length > 0 ? `; ERRORS: ${checked.problems.length} of ${checked.checked} paths checked one by one answered wrongly, e.g. ${checked.problems[0]!.slice(0, 300)}` : '';
    const note = `${how}${run ? warnings(run) : ''}${wrong}`;
    const target = endpoint === 'journey drill-down' ? undefined : { op: '<=' as const, value: TARGET_P99_MS };
    figures.push({ name: `${endpoint} p50`, value: run?.latencyMs.p50 ?? null, unit: 'ms', note });
    figures.push({ name: `${endpoint} p99`, value: run?.latencyMs.p99 ?? null, unit: 'ms', ...(target && { target }), note });
  }
  for (const endpoint of AGGREGATES) {
    const run = runs[endpoint]?.uncached;
    if (!run) continue;
    const note =
      `each request a period of whole days and a scope not asked before in this run (${run.paths.toLocaleString('en')} such, shuffled), so no answer the service keeps can serve it: ` +
      `the cost of computing answers under load; ${run.requestsPerSecond} requests/s, ${CONNECTIONS} connections, ${context.seconds} s; ${size}${warnings(run)}`;
    figures.push({ name: `${endpoint} p50 uncached`, value: run.latencyMs.p50, unit: 'ms', note });
    figures.push({ name: `${endpoint} p99 uncached`, value: run.latencyMs.p99, unit: 'ms', note });
  }
  figures.push({
    name: 'metrics-api peak RSS',
    value: toMiB(peakRss),
    unit: 'MiB',
    target: { op: '<=', value: TARGET_RSS_MIB },
    note:
      `VmHWM of the metrics-api process, read every ${RSS_POLL_MS} ms and at the end; it runs the embedded engine (chDB) in process, ` +
      `so it is held to the embedded process's 1 GiB; the 512 MB target is for the service against a ClickHouse server`,
  });
  return figures;
}

/** Errors, and answers missing from the latencies, for a figure's note: empty when there are none. */
const warnings = (run: LoadResult) => (hasFailures(run) ? `; ${describeFailures(run)}` : '') + (understated(run) ? `; ${describeUnanswered(run)}` : '');

function describeRun(run: LoadResult): string {
  return `p50 ${run.latencyMs.p50 ?? 'n/a'} ms, p99 ${run.latencyMs.p99 ?? 'n/a'} ms, ${run.requestsPerSecond} requests/s${warnings(run)}`;
}

const hasFailures = (run: LoadResult) => run.ok < run.responses || run.errors > 0;
/** More than 1% of the requests were still unanswered when the run ended: the percentiles understate. */
const understated = (run: LoadResult) => run.unansweredAtEnd > 0.01 * run.sent;
const describeUnanswered = (run: LoadResult) =>
  `${run.unansweredAtEnd} of ${run.sent} requests were still unanswered when the run ended and are not in the latencies: the percentiles understate`;

function describeFailures(run: LoadResult): string {
  const notOk = run.responses - run.ok;
  const codes = Object.entries(run.statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, n]) => `${n}× ${code}`)
    .join(', ');
  const parts = [];
  if (notOk > 0) parts.push(`${notOk} of ${run.responses} answers not 2xx (${codes}), counted in the latencies`);
  if (run.errors > 0) parts.push(`${run.errors} requests without an answer (${run.timeouts} timeouts after ${REQUEST_TIMEOUT_SECONDS} s), counted as never answered`);
  return `ERRORS: ${parts.join('; ')}`;
}

type LoadSummary = Pick<LoadResult, 'sent' | 'responses' | 'ok' | 'errors' | 'unansweredAtEnd' | 'requestsPerSecond'> & { p50: number | null; p99: number | null };
const summarize = (run: LoadResult): LoadSummary => ({
  sent: run.sent,
  unansweredAtEnd: run.unansweredAtEnd,
  responses: run.responses,
  ok: run.ok,
  errors: run.errors,
  requestsPerSecond: run.requestsPerSecond,
  p50: run.latencyMs.p50,
  p99: run.latencyMs.p99,
});

function datasetDetails(store: Store) {
  return {
    events: store.stats.events,
    seed: store.sample.seed,
    customers: store.stats.customers,
    eventsPerCustomer: store.stats.customers > 0 ? Math.round((store.stats.events / store.stats.customers) * 100) / 100 : null,
    identifiers: store.stats.identifiers,
    contacts: store.stats.contacts,
    journeys: store.stats.journeys,
    handoffs: store.stats.handoffs,
    deadLetters: store.stats.deadLetters,
    modelVersion: store.modelVersion,
    period: store.sample.period,
    store: { dir: store.dataDir, bytes: store.bytes, reused: store.reused },
    sample: { dir: store.sample.dir, bytes: store.sample.bytes, reused: store.sample.reused, generateMs: store.sample.generateMs },
    build: {
      command: 'seamline ingest <events.ndjson> --json (fresh embedded store)',
      builtAt: store.build.builtAt,
      wallMs: Math.round(store.build.wallMs),
      eventsPerSecond: Math.round(store.build.eventsPerSecond),
      peakRssMiB: toMiB(store.build.peakRssBytes),
      counts: store.build.counts,
    },
  };
}
