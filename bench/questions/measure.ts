// A child process of the questions suite: opens a built store (one engine per process), brings
// its metric rollups up to date as a stitcher does at start, and times the metric questions a
// team lead asks: random periods, scopes and asOf values (half of them before the latest event),
// one client and 32 at once, uncached and cached, the journey drill-down, a 90-day team trend, and
// once the events path the tables replace. Prints one JSON line.
import { performance } from 'node:perf_hooks';
import { buildRollupHours, connectClickHouse, hoursToBuild, markRollupsComplete, migrate, readAllEvents, readStoredJourney } from '@seamline/clickhouse';
import { createRandom } from '@seamline/generator';
import { computeSummary, journeyModelVersion, loadOrgMap } from '@seamline/journeys';
import { createMetricsService, type MetricQuery } from '@seamline/metrics';
import { distribution } from '../stats.ts';

const [dataDir, orgMapFile, secondsArg = '20', eventsPathArg = '1'] = process.argv.slice(2);
if (!dataDir || !orgMapFile) throw new Error('usage: measure.ts <dataDir> <orgMapFile> [seconds] [eventsPath 0|1]');
const SECONDS = Number(secondsArg);
const DAY = 86_400_000;
const WINDOWS = { repeatWindowMs: 7 * DAY, billingWindowMs: 72 * 3_600_000, maxIdentifiers: 50 };
const CLIENTS = 32;

const clickhouse = await connectClickHouse({ url: undefined, database: 'seamline', dataDir });
const { client } = clickhouse;
await migrate(client);
const orgMap = await loadOrgMap(orgMapFile);
const modelVersion = journeyModelVersion(orgMap, WINDOWS.repeatWindowMs, WINDOWS.billingWindowMs, WINDOWS.maxIdentifiers);
const say = (line: string) => process.stderr.write(`${line}\n`);

let started = performance.now();
const pending = await hoursToBuild(client, modelVersion);
await buildRollupHours(client, modelVersion, pending);
await markRollupsComplete(client, modelVersion);
const rollupBuild = { hours: pending.length, ms: Math.round(performance.now() - started) };
say(`rollups: ${pending.length} hours built in ${rollupBuild.ms} ms`);

const rows = async <T>(query: string) => (await client.query({ query, format: 'JSONEachRow' })).json<T>();
const [range] = await rows<{ first: string; last: string }>(
  `SELECT toUnixTimestamp64Milli(min(start)) AS first, toUnixTimestamp64Milli(max(last_leg_at)) AS last FROM contacts_v2 WHERE model_version = '${modelVersion}'`,
);
const first = Number(range!.first);
const last = Number(range!.last);
const teams = (await rows<{ team: string; silo: string }>(`SELECT DISTINCT first_team AS team, first_silo AS silo FROM contacts_v2 WHERE model_version = '${modelVersion}' LIMIT 100`)).filter(
  (row) => !row.team.startsWith('unmapped:'),
);
const journeyIds = (await rows<{ id: string }>(`SELECT journey_id AS id FROM journeys_v2 WHERE model_version = '${modelVersion}' ORDER BY cityHash64(journey_id) LIMIT 1000`)).map((r) => r.id);

const rng = createRandom(7, 15);
const random = () => rng.next();
const pick = <T>(list: readonly T[]): T => rng.pick(list);
/**
 * A question: a period of a day, a week or 30 days in the data, a scope, and asOf either after
 * every event or at a random instant in the data. The period runs from a UTC midnight, as the
 * dashboard asks; `anyInstant` moves it to a random instant, so that its edges cut hours.
 */
function question(anyInstant = false): MetricQuery & { asOfKind: 'after the latest event' | 'before the latest event' } {
  const days = pick([1, 7, 30]);
  const firstDay = Math.floor(first / DAY) * DAY;
  const from = firstDay + Math.floor(random() * Math.max(1, (last - firstDay) / DAY - days)) * DAY + (anyInstant ? Math.floor(random() * DAY) : 0);
  const before = random() < 0.5;
  const asOf = before ? from + Math.floor(random() * (last - from)) : last + 1 + Math.floor(random() * DAY);
  const team = pick(teams);
  const scope = pick([{}, { team: team.team }, { silo: team.silo }]);
  const iso = (ms: number) => new Date(ms).toISOString();
  return { from: iso(from), to: iso(from + days * DAY), asOf: iso(asOf), ...scope, asOfKind: before ? 'before the latest event' : 'after the latest event' };
}
// As the metric API asks: through the metrics service, which keeps answers and rollup entries in
// memory. Random questions are not found among the kept answers (the cached figure below is).
const service = createMetricsService(client, () => orgMap, WINDOWS);
const ASK = { summary: service.summary, teams: service.teams, transitions: service.transitions } as const;
type Metric = keyof typeof ASK;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** `clients` loops asking uncached questions for SECONDS; latency per metric. */
async function load(clients: number, anyInstant = false): Promise<Record<Metric, ReturnType<typeof distribution>> & { byAsOf: Record<string, ReturnType<typeof distribution>> }> {
  const samples: Record<Metric, number[]> = { summary: [], teams: [], transitions: [] };
  const byAsOf: Record<string, number[]> = {};
  const until = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      for (let i = worker; performance.now() < until; i++) {
        const metric = (['summary', 'teams', 'transitions'] as const)[i % 3]!;
        const q = question(anyInstant);
        const { asOfKind: _kind, ...query } = q;
        const ms = await timed(() => ASK[metric](query));
        samples[metric].push(ms);
        (byAsOf[q.asOfKind] ??= []).push(ms);
      }
    }),
  );
  return {
    summary: distribution(samples.summary),
    teams: distribution(samples.teams),
    transitions: distribution(samples.transitions),
    byAsOf: Object.fromEntries(Object.entries(byAsOf).map(([kind, xs]) => [kind, distribution(xs)])),
  };
}

say('first question over every hour: the service reads the rollup entries it keeps');
started = performance.now();
await service.summary({ from: new Date(first).toISOString(), to: new Date(last + 1).toISOString() });
const warmUp = { ms: Math.round(performance.now() - started), ...service.cacheStats().rollups };
say(`uncached, one client, ${SECONDS} s`);
const oneClient = await load(1);
say(`uncached, ${CLIENTS} clients, ${SECONDS} s`);
const manyClients = await load(CLIENTS);
say(`uncached, one client, periods from any instant, ${SECONDS} s`);
const oneClientAnyInstant = await load(1, true);

say('cached: the same question again');
const cachedSamples: number[] = [];
for (let i = 0; i < 200; i++) {
  const { asOfKind: _kind, ...query } = question();
  await service.summary(query);
  cachedSamples.push(await timed(() => service.summary(query)));
}

say('journey drill-down');
const drillDown: number[] = [];
for (const id of journeyIds.slice(0, 300)) drillDown.push(await timed(() => readStoredJourney(client, id)));

say('team trend of 90 days');
const trend: number[] = [];
const trendUntil = performance.now() + SECONDS * 1000;
while (performance.now() < trendUntil) {
  const end = Math.floor((first + random() * (last - first)) / DAY) * DAY + DAY;
  const starts = Array.from({ length: 90 }, (_, d) => new Date(end - (90 - d) * DAY));
  const asOf = random() < 0.5 ? new Date(end) : new Date(last + 1 + Math.floor(random() * DAY));
  const intervals = starts.map((start) => ({ from: start, to: new Date(start.getTime() + DAY) }));
  trend.push(await timed(() => service.trend({ team: pick(teams).team, intervals, asOf: asOf.toISOString() })));
}

// The questions' figures first: the events path may not finish (it holds every event in memory).
process.stdout.write(
  `${JSON.stringify({
    rollupBuild,
    warmUp,
    range: { first: new Date(first).toISOString(), last: new Date(last).toISOString() },
    seconds: SECONDS,
    clients: CLIENTS,
    oneClient,
    manyClients,
    oneClientAnyInstant,
    cached: distribution(cachedSamples),
    drillDown: distribution(drillDown),
    trend90: distribution(trend),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
if (eventsPathArg === '1') {
  say('the events path: every journey rebuilt from all events, once');
  const asOf = new Date(first + (last - first) / 2);
  started = performance.now();
  const events = await readAllEvents(client);
  computeSummary(events, orgMap, { from: new Date(asOf.getTime() - 30 * DAY), to: asOf, asOf, ...WINDOWS });
  process.stdout.write(`${JSON.stringify({ eventsPath: { ms: Math.round(performance.now() - started), events: events.length } })}\n`);
}
await clickhouse.close();
