import { DateTime } from 'luxon';

// Days and weeks as a team sees them: in a time zone (IANA name), starting at local midnight and
// local Monday, 23 or 25 hours long across a daylight-saving change. The figures themselves are
// for instants; a zone only says where a day starts.

/** Whether `name` is a time zone (an IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(name: string): boolean {
  return DateTime.now().setZone(name).isValid;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An ISO 8601 instant as given, or a date (YYYY-MM-DD) as the instant its local midnight in `zone` is. */
export function instantOf(value: string, zone: string): string {
  if (!DATE.test(value)) return new Date(value).toISOString();
  const midnight = DateTime.fromISO(value, { zone });
  if (!midnight.isValid) throw new Error(`${value}: not a date`);
  return midnight.toUTC().toISO()!;
}

/** Whether a value is a date without a time (YYYY-MM-DD). */
export const isDate = (value: string) => DATE.test(value) && DateTime.fromISO(value).isValid;

export interface CalendarInterval {
  from: Date;
  to: Date;
}

/**
 * [from, to) cut at local midnights (day) or local Mondays 00:00 (week) in `zone`; the first and
 * last interval clipped to the period. Undefined when there would be more than `max`.
 */
export function calendarIntervals(from: Date, to: Date, interval: 'day' | 'week', zone: string, max: number): CalendarInterval[] | undefined {
  const intervals: CalendarInterval[] = [];
  const end = to.getTime();
  for (let start = from.getTime(); start < end; ) {
    if (intervals.length === max) return undefined;
    const local = DateTime.fromMillis(start, { zone });
    const boundary = (interval === 'day' ? local.startOf('day').plus({ days: 1 }) : local.startOf('week').plus({ weeks: 1 })).toMillis();
    const stop = Math.min(boundary, end);
    intervals.push({ from: new Date(start), to: new Date(stop) });
    start = stop;
  }
  return intervals;
}

/**
 * The latest instant at or before `now` that is `hour`:00 on `weekday` (1 Monday … 7 Sunday) in
 * `zone`: a weekly schedule kept in local time across daylight-saving changes.
 */
export function latestLocalWeekly(weekday: number, hour: number, zone: string, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone });
  let at = local.set({ hour, minute: 0, second: 0, millisecond: 0 }).minus({ days: (local.weekday - weekday + 7) % 7 });
  if (at.toMillis() > now.getTime()) at = at.minus({ weeks: 1 });
  return at.toJSDate();
}

/** The instant `days` local days before `at` in `zone`: the same wall-clock time (23 or 25 hours a day across a change). */
export function localDaysBefore(at: Date, days: number, zone: string): Date {
  return DateTime.fromJSDate(at, { zone }).minus({ days }).toJSDate();
}

/** An instant as "2026-03-09 08:00 Europe/Berlin": its wall-clock time in the zone, the zone named. */
export function localTime(iso: string, zone: string): string {
  return `${DateTime.fromISO(iso, { zone }).toFormat('yyyy-MM-dd HH:mm')} ${zone}`;
}
