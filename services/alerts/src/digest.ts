import type { ClickHouseClient } from '@clickhouse/client';
import { readWorstJourneys, type WorstJourney } from '@seamline/clickhouse';
import { UNASSIGNED, UNMAPPED_SILO, type Summary } from '@seamline/journeys';
import { latestLocalWeekly, localDaysBefore } from '@seamline/metrics';
import type { Metrics } from './evaluate.ts';
import { METRIC_NAMES, type MetricName } from './figures.ts';
import type { DigestSettings } from './rules.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
/** ISO weekday numbers: Monday 1 … Sunday 7. */
const WEEKDAY_NUMBER = { monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6, sunday: 7 } as const;

/** A team's week: its figures, the change from the week before, and the journeys to review. */
export interface Digest {
  team: string;
  /** The zone whose week it is, and in which its times are shown. */
  timeZone: string;
  period: { from: string; to: string };
  previousPeriod: { from: string; to: string };
  figures: Summary;
  previous: Summary;
  /** This week's figure minus last week's; null when either is null. */
  change: Record<MetricName, number | null>;
  /** At most three: most contacts, then most handoffs. */
  worstJourneys: WorstJourney[];
}

export interface DigestSources {
  metrics: Pick<Metrics, 'summary'>;
  client: ClickHouseClient;
}

/** The digest of the week [now − 7 local days, now) in `timeZone` for a team, as of now. */
export async function buildDigest(team: string, sources: DigestSources, now: Date, timeZone = 'UTC'): Promise<Digest> {
  const period = { from: localDaysBefore(now, 7, timeZone).toISOString(), to: now.toISOString() };
  const previousPeriod = { from: localDaysBefore(now, 14, timeZone).toISOString(), to: period.from };
  const asOf = now.toISOString();
  const [figures, previous, worstJourneys] = [
    await sources.metrics.summary({ ...period, asOf, team }, now),
    await sources.metrics.summary({ ...previousPeriod, asOf, team }, now),
    await readWorstJourneys(sources.client, { team, from: new Date(period.from), to: now, limit: 3 }),
  ];
  return { team, timeZone, period, previousPeriod, figures, previous, change: changeOf(figures, previous), worstJourneys };
}

export function changeOf(figures: Summary, previous: Summary): Record<MetricName, number | null> {
  const change = {} as Record<MetricName, number | null>;
  for (const metric of METRIC_NAMES) {
    const [now, before] = [figures[metric], previous[metric]];
    change[metric] = now === null || before === null ? null : Math.round((now - before) * 1e6) / 1e6;
  }
  return change;
}

/** The latest scheduled instant at or before now: the configured weekday at hour:00 in the digest's zone (UTC unless set). */
export function latestDigestInstant(settings: Pick<DigestSettings, 'weekday' | 'hour'> & { timeZone?: string | undefined }, now: Date): Date {
  return latestLocalWeekly(WEEKDAY_NUMBER[settings.weekday], settings.hour, settings.timeZone ?? 'UTC', now);
}

/**
 * The digest instant due now, if any: the latest scheduled instant, while it is less than a day
 * old. A service that was down at the hour catches up that day; one started mid-week does not
 * send last Monday's digest on a Thursday. Whether it was sent already is alert_log_v1's to say.
 */
export function dueDigestInstant(settings: Pick<DigestSettings, 'weekday' | 'hour'> & { timeZone?: string | undefined }, now: Date): Date | undefined {
  const at = latestDigestInstant(settings, now);
  return now.getTime() - at.getTime() < DAY_MS ? at : undefined;
}

/**
 * The teams that get a digest: the listed ones, or with 'all' every team credited with a figure
 * in the week, except the catch-alls of queues without a team (`unmapped:…`, `unassigned`),
 * which have no leader to read it (`seamline org unmapped` is their report).
 */
export async function digestTeams(settings: Pick<DigestSettings, 'teams'>, metrics: Pick<Metrics, 'teams'>, weekEnd: Date, timeZone = 'UTC'): Promise<string[]> {
  if (settings.teams !== 'all') return [...settings.teams];
  const to = weekEnd.toISOString();
  const { teams } = await metrics.teams({ from: localDaysBefore(weekEnd, 7, timeZone).toISOString(), to, asOf: to }, weekEnd);
  return teams.filter((t) => t.team !== UNASSIGNED.team && t.silo !== UNMAPPED_SILO).map((t) => t.team);
}
