import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createRandom } from '@seamline/generator';
import { peakRssBytes, startService, type ServiceProcess } from '@seamline/infra/service-process';
import { childEnv, RSS_POLL_MS, runSeamline, toMiB, waitIdle } from '../data/child.ts';
import { ensureStore, type Store } from '../data/dataset.ts';
import { runLoad, type LoadResult } from '../data/http-load.ts';
import { sleep } from '../slots.ts';
import { distribution } from '../stats.ts';
import type { Figure, Suite, SuiteContext, SuiteResult } from '../suite.ts';

const FULL_EVENTS = 10_000_000;
const QUICK_EVENTS = 200_000;
const CONNECTIONS = 32;
const FULL_SECONDS = 20;
const QUICK_SECONDS = 5;
/** A request without an answer after this long is counted as an error. */
const REQUEST_TIMEOUT_SECONDS = 30;
const TARGET_P99_MS = 50;
const TARGET_RSS_MIB = 1024;
const DRILL_DOWN_IDS = 1000;
const DRILL_DOWN_WARMUP_SECONDS = 3;
/** Journeys per list request (the API's most). */
const JOURNEY_LIST_LIMIT = 200;
/** Paths of each endpoint requested one at a time before the load, their answers checked. */
const PREFLIGHT_PATHS = 24;
const READY_TIMEOUT_MS = 300_000;
const STOP_GRACE_MS = 15_000;
/** Longest wait for the service to work off what a finished run left queued. */
const IDLE_WAIT_MS = 300_000;
const SERVICE_LOG_TAIL_CHARS = 64 * 1024;
const DAY_MS = 86_400_000;

type Endpoint = 'summary' | 'teams' | 'transitions' | 'journey drill-down';
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

interface Period {
  name: string;
  from: string;
  to: string;
}

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

interface Preflight {
  checked: number;
  /** Paths whose answer was not 200 with the expected shape, and why. */
  problems: string[];
  /** Each checked path requested alone, one after another. */
  sequentialLatencyMs: ReturnType<typeof distribution>;
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

/**
 * The periods requests ask about, within the data's [from, to): each whole calendar month, the
 * whole period (the generator's 90 days from 2026-01-01 are the first quarter), the last 30 days
 * (the dashboard's default), and one week.
 */
export function periodsOf(data: { from: string; to: string }): Period[] {
  const from = new Date(data.from);
  const to = new Date(data.to);
  const periods: Period[] = [];
  for (let start = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), 1)); start < to; ) {
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
    if (start >= from && end <= to) periods.push({ name: `month ${start.toISOString().slice(0, 7)}`, from: start.toISOString(), to: end.toISOString() });
    start = end;
  }
  periods.push({ name: 'whole period', from: from.toISOString(), to: to.toISOString() });
  periods.push({ name: 'last 30 days', from: new Date(Math.max(from.getTime(), to.getTime() - 30 * DAY_MS)).toISOString(), to: to.toISOString() });
  const weekEnd = Math.max(from.getTime() + 7 * DAY_MS, to.getTime() - 7 * DAY_MS);
  periods.push({ name: 'one week', from: new Date(weekEnd - 7 * DAY_MS).toISOString(), to: new Date(Math.min(weekEnd, to.getTime())).toISOString() });
  return periods;
}

/**
 * Paths no earlier request asked for: every period of whole days [d1, d2) within the data's
 * period, except the fixed list's, with every scope the fixed list uses, shuffled.
 */
function uncachedPaths(
  metric: 'summary' | 'teams' | 'transitions',
  data: { from: string; to: string },
  fixed: readonly Period[],
  scopes: { teams: string[]; silos: string[] },
  random: { int(min: number, max: number): number },
): string[] {
  const taken = new Set(fixed.map((p) => `${Date.parse(p.from)}|${Date.parse(p.to)}`));
  const first = Date.parse(data.from);
  const days = Math.round((Date.parse(data.to) - first) / DAY_MS);
  const scopeList: { team?: string; silo?: string }[] = [
    {},
    ...(metric === 'teams' ? [] : scopes.teams.map((team) => ({ team }))),
    ...scopes.silos.map((silo) => ({ silo })),
  ];
  const paths: string[] = [];
  for (let a = 0; a < days; a++) {
    for (let b = a + 1; b <= days; b++) {
      const from = first + a * DAY_MS;
      const to = first + b * DAY_MS;
      if (taken.has(`${from}|${to}`)) continue;
      const period = { name: '', from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      for (const scope of scopeList) paths.push(scoped(metric, period, scope));
    }
  }
  return shuffle(random, paths);
}

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

function scoped(metric: 'summary' | 'teams' | 'transitions', period: Period, scope: { team?: string; silo?: string } = {}): string {
  return `/v1/metrics/${metric}?${query({ from: period.from, to: period.to, ...scope })}`;
}

function shuffle<T>(random: { int(min: number, max: number): number }, list: T[]): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Journey ids as a leader finds them: each team's worst journeys (by contacts and by handoffs)
 * of each month. Taken in turn from each list so every team and month is represented.
 */
async function collectJourneyIds(baseUrl: string, headers: Record<string, string>, teams: string[], months: Period[], signal: AbortSignal) {
  const lists: string[][] = [];
  const latencies: number[] = [];
  for (const team of teams) {
    for (const month of months) {
      for (const sort of ['contacts', 'handoffs']) {
        if (signal.aborted) throw new Error('aborted');
        const started = performance.now();
        const path = `/v1/teams/${encodeURIComponent(team)}/journeys?${query({ from: month.from, to: month.to, sort, limit: String(JOURNEY_LIST_LIMIT) })}`;
        const answer = await getJson<{ journeys: { journeyId: string }[] }>(baseUrl, path, headers);
        latencies.push(performance.now() - started);
        lists.push(answer.journeys.map((j) => j.journeyId));
      }
    }
  }
  const seen = new Set<string>();
  const ids: string[] = [];
  for (let i = 0; ids.length < DRILL_DOWN_IDS && lists.some((list) => i < list.length); i++) {
    for (const list of lists) {
      const id = list[i];
      if (id === undefined || seen.has(id)) continue;
      seen.add(id);
      ids.push(id);
      if (ids.length === DRILL_DOWN_IDS) break;
    }
  }
  const distinct = new Set(lists.flat()).size;
  return { ids, distinct, listRequests: lists.length, listLatencyMs: distribution(latencies) };
}

/** Requests up to PREFLIGHT_PATHS of the paths, spread over the list, one at a time, and checks each answer. */
async function checkPaths(baseUrl: string, headers: Record<string, string>, endpoint: Endpoint, paths: string[], signal: AbortSignal): Promise<Preflight> {
  const step = Math.max(1, Math.floor(paths.length / PREFLIGHT_PATHS));
  const chosen = paths.filter((_, i) => i % step === 0).slice(0, PREFLIGHT_PATHS);
  const problems: string[] = [];
  const latencies: number[] = [];
  for (const path of chosen) {
    if (signal.aborted) throw new Error('aborted');
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${path}`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_SECONDS * 1000) });
    } catch (error) {
      latencies.push(Number.POSITIVE_INFINITY);
      problems.push(`${path}: ${(error as Error).message}`);
      continue;
    }
    const text = await response.text();
    latencies.push(performance.now() - started);
    const problem = response.status !== 200 ? `status ${response.status}: ${text.slice(0, 200)}` : shapeProblem(endpoint, path, text);
    if (problem) problems.push(`${path}: ${problem}`);
  }
  return { checked: chosen.length, problems, sequentialLatencyMs: distribution(latencies) };
}

function shapeProblem(endpoint: Endpoint, path: string, text: string): string | undefined {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  switch (endpoint) {
    case 'summary':
      return typeof body.contacts === 'number' && typeof body.journeys === 'number' ? undefined : 'no contacts or journeys count';
    case 'teams':
      return Array.isArray(body.teams) ? undefined : 'no teams list';
    case 'transitions':
      return Array.isArray(body.silos) && Array.isArray(body.teams) ? undefined : 'no silos or teams list';
    case 'journey drill-down': {
      const id = decodeURIComponent(path.slice('/v1/journeys/'.length));
      return body.journeyId === id && Array.isArray(body.touchpoints) && body.touchpoints.length > 0 ? undefined : 'not this journey, or no touchpoints';
    }
  }
}

async function getJson<T>(baseUrl: string, path: string, headers: Record<string, string>): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_SECONDS * 4 * 1000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path}: status ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** A port nobody listens on now (the service takes it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * The service logs two lines per request at info: only the last 64 KiB of its output are kept
 * (for the error message when it fails), instead of everything.
 */
function keepTail(service: ServiceProcess): { tail(): string } {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail += chunk.toString();
    if (tail.length > 2 * SERVICE_LOG_TAIL_CHARS) tail = tail.slice(-SERVICE_LOG_TAIL_CHARS);
  };
  for (const stream of [service.child.stdout, service.child.stderr]) {
    stream?.removeAllListeners('data');
    stream?.on('data', keep);
  }
  return { tail: () => tail.slice(-SERVICE_LOG_TAIL_CHARS) };
}

async function waitReady(baseUrl: string, service: ServiceProcess, log: { tail(): string }, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (performance.now() < deadline) {
    if (signal.aborted) throw new Error('aborted');
    if (exited) throw new Error(`metrics-api exited before it was ready:\n${log.tail().slice(-4000)}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`metrics-api was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${log.tail().slice(-4000)}`);
}

/** SIGTERM (it closes the store), SIGKILL when it has not exited within the grace period. */
async function stopService(service: ServiceProcess): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const exited = await Promise.race([service.exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!exited) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
}
