/**
 * Timestamps as spreadsheets and exports write them: ISO 8601 with `T` or a space, seconds and
 * fractions optional, an offset optional. Without an offset the mapping's timezone says what the
 * wall-clock time means; without a timezone such a timestamp is refused rather than guessed.
 */

export type TimestampParse = { ok: true; iso: string } | { ok: false; why: string };

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const FIXED_OFFSET = /^([+-])(\d{2})(?::?(\d{2}))?$/;

/** A timezone the mapping may name: an IANA zone ("Europe/Berlin", "UTC") or a fixed offset ("+02:00"). */
export function isTimeZone(zone: string): boolean {
  if (FIXED_OFFSET.test(zone)) return fixedOffsetMinutes(zone) !== undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseCsvTimestamp(text: string, timezone: string | undefined): TimestampParse {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return { ok: false, why: 'expected a date and time such as 2026-03-01T10:00:00Z or 2026-03-01 10:00' };
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as [
    number, number, number, number, number, number,
  ];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { ok: false, why: 'no such date' };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, why: 'no such time of day' };
  const wallClock = utcMillis(year, month, day, hour, minute, second, millis);
  const offset = match[8];
  let instant: number;
  if (offset !== undefined) {
    const minutes = offset.toUpperCase() === 'Z' ? 0 : fixedOffsetMinutes(offset);
    if (minutes === undefined) return { ok: false, why: `no such UTC offset "${offset}"` };
    instant = wallClock - minutes * 60_000;
  } else if (timezone !== undefined) {
    instant = zonedToUtc(wallClock, timezone);
  } else {
    return { ok: false, why: 'has no UTC offset and the mapping sets no timezone' };
  }
  const iso = new Date(instant).toISOString();
  // A year beyond 9999 after the shift would print as +010000, which no canonical event accepts.
  return iso.length === 24 ? { ok: true, iso } : { ok: false, why: 'out of range' };
}

function fixedOffsetMinutes(offset: string): number | undefined {
  const match = FIXED_OFFSET.exec(offset);
  if (!match) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? 0);
  if (hours > 23 || minutes > 59) return undefined;
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMillis(year, month + 1, 0, 0, 0, 0, 0)).getUTCDate();
}

/** Date.UTC, minus its habit of reading years 0..99 as 1900..1999. */
function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Minutes the zone is ahead of UTC at `instant`, as Intl knows it. */
function intlOffsetMinutes(zone: string, instant: number): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts = format.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = utcMillis(part('year'), part('month'), part('day'), part('hour'), part('minute'), part('second'), 0);
  return Math.round((local - Math.floor(instant / 1000) * 1000) / 60_000);
}

/**
 * Intl is slow (a bulk import asks millions of times), so offsets are kept per zone and quarter
 * hour, but only for quarters whose both ends have the same offset: no change of offset lies inside.
 */
const QUARTER_HOUR = 15 * 60_000;
const offsetCache = new Map<string, number>();

function zoneOffsetMinutes(zone: string, instant: number): number {
  const start = Math.floor(instant / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${zone} ${start}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const offset = intlOffsetMinutes(zone, instant);
  if (intlOffsetMinutes(zone, start) === offset && intlOffsetMinutes(zone, start + QUARTER_HOUR - 1) === offset) {
    if (offsetCache.size >= 100_000) offsetCache.clear();
    offsetCache.set(key, offset);
  }
  return offset;
}

/**
 * The instant a wall-clock time in `zone` denotes. Two passes settle the offset around daylight
 * saving changes: a time skipped by the clocks moving forward lands after the gap, and a time the
 * clocks pass twice takes the later (standard-time) occurrence.
 */
function zonedToUtc(wallClock: number, zone: string): number {
  const fixed = FIXED_OFFSET.test(zone) ? fixedOffsetMinutes(zone) : undefined;
  if (fixed !== undefined) return wallClock - fixed * 60_000;
  const guess = wallClock - zoneOffsetMinutes(zone, wallClock) * 60_000;
  return wallClock - zoneOffsetMinutes(zone, guess) * 60_000;
}
