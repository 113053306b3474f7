import { performance } from 'node:perf_hooks';
import { distribution } from '../stats.ts';

// The api suite's requests: the periods and paths it asks, the journeys it drills into, and the
// check of each endpoint's answers before the load.

const DAY_MS = 86_400_000;
/** Journeys per list request (the API's most). */
const JOURNEY_LIST_LIMIT = 200;
export const DRILL_DOWN_IDS = 1000;
/** Paths of each endpoint requested one at a time before the load, their answers checked. */
export const PREFLIGHT_PATHS = 24;
/** A request without an answer after this long is counted as an error. */
export const REQUEST_TIMEOUT_SECONDS = 30;

export interface Period {
  name: string;
  from: string;
  to: string;
}

export type Endpoint = 'summary' | 'teams' | 'transitions' | 'journey drill-down';

export interface Preflight {
  checked: number;
  /** Paths whose answer was not 200 with the expected shape, and why. */
  problems: string[];
  /** Each checked path requested alone, one after another. */
  sequentialLatencyMs: ReturnType<typeof distribution>;
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
export function uncachedPaths(
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

export const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

export function scoped(metric: 'summary' | 'teams' | 'transitions', period: Period, scope: { team?: string; silo?: string } = {}): string {
  return `/v1/metrics/${metric}?${query({ from: period.from, to: period.to, ...scope })}`;
}

export function shuffle<T>(random: { int(min: number, max: number): number }, list: T[]): T[] {
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
export async function collectJourneyIds(baseUrl: string, headers: Record<string, string>, teams: string[], months: Period[], signal: AbortSignal) {
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
export async function checkPaths(baseUrl: string, headers: Record<string, string>, endpoint: Endpoint, paths: string[], signal: AbortSignal): Promise<Preflight> {
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

export function shapeProblem(endpoint: Endpoint, path: string, text: string): string | undefined {
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

export async function getJson<T>(baseUrl: string, path: string, headers: Record<string, string>): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, { headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_SECONDS * 4 * 1000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${path}: status ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** A port nobody listens on now (the service takes it a moment later). */
