import type { SampleCustomer } from './customer.ts';
import type { Random } from './random.ts';
import { Told, type Card } from './recorded.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Opening hours of the contact centre, UTC: [from, to) in hours. */
const OFFICE_HOURS = [8, 20] as const;
/** When people write e-mails and web forms. */
export const WAKING_HOURS = [7, 23] as const;
/** When the billing system runs its invoices and payment retries. */
const NIGHT_RUN = [1, 5] as const;

/** Counters behind the ids of the sample's source systems. They never repeat, so ids are unique. */
export interface SourceSequences {
  ticket: number;
  call: number;
  billingEvent: number;
}

export function startOfDay(time: number): number {
  return time - (time % DAY);
}

/**
 * One small story of a customer (one chapter of their life): a clock that only moves forward, and
 * the events recorded on the way. Tickets, calls and billing events write into it.
 */
export class Story {
  private readonly times: number[] = [];
  private readonly cards: Card[] = [];
  private readonly codes: number[] = [];

  constructor(
    readonly random: Random,
    readonly customer: SampleCustomer,
    readonly sequences: SourceSequences,
    /** Milliseconds since the epoch. */
    public now: number,
    /** Only when events happen is kept, nothing to write them: for counting a customer's events. */
    readonly counting = false,
  ) {}

  /** The customer, or the work, waits a few minutes: no regard for the time of day. */
  afterMinutes(min: number, max: number): void {
    this.now += this.random.int(min * MINUTE, max * MINUTE);
  }

  /** An agent picks the work up again after a while; outside office hours it waits for the morning. */
  agentLater(minMinutes: number, maxMinutes: number): void {
    this.afterMinutes(minMinutes, maxMinutes);
    this.now = this.within(OFFICE_HOURS, this.now);
  }

  /** The customer answers after a while; at night the answer waits for the morning. */
  customerLater(minMinutes: number, maxMinutes: number): void {
    this.afterMinutes(minMinutes, maxMinutes);
    this.now = this.within(WAKING_HOURS, this.now);
  }

  /**
   * The customer gets in touch again `minDays` to `maxDays` days later (0: later today if the hours
   * allow, else tomorrow), at a random moment within `hours`.
   */
  laterDay(minDays: number, maxDays: number, hours: readonly [number, number] = OFFICE_HOURS): void {
    const day = startOfDay(this.now) + this.random.int(minDays, maxDays) * DAY;
    const earliest = Math.max(this.now + MINUTE, day + hours[0] * HOUR);
    const closing = day + hours[1] * HOUR;
    this.now = earliest < closing ? this.random.int(earliest, closing - 1) : this.within(hours, closing);
  }

  /** A run of the billing system `minDays` to `maxDays` nights on (0: the next run still ahead). */
  nightRun(minDays = 0, maxDays = minDays): void {
    this.laterDay(minDays, maxDays, NIGHT_RUN);
  }

  /** `time` if it falls within `hours`, else a moment early in the next opening. */
  private within(hours: readonly [number, number], time: number): number {
    const day = startOfDay(time);
    const hour = (time - day) / HOUR;
    if (hour >= hours[0] && hour < hours[1]) return time;
    const nextOpening = day + hours[0] * HOUR + (hour >= hours[1] ? DAY : 0);
    return nextOpening + this.random.int(0, 90 * MINUTE);
  }

  /** An event at `at`: `card` writes it out, given `code`. */
  record(at: number, card: Card, code: number): void {
    this.times.push(at);
    this.cards.push(card);
    this.codes.push(code);
  }

  /** An event at `at`, when counting. */
  count(at: number): void {
    this.times.push(at);
  }

  /** How many events of the story fall within [from, to). */
  countWithin(from: number, to: number): number {
    let count = 0;
    for (const at of this.times) if (at >= from && at < to) count += 1;
    return count;
  }

  /**
   * The story's events within [from, to), in time order (equal times keep the order they were
   * told in): the sample period cuts stories like a real export does.
   */
  toldWithin(from: number, to: number, tieBase: number): Told {
    const { times, cards, codes } = this;
    // Most stories are told in time order and within the period: kept as they are.
    let ordered = true;
    for (let i = 0; ordered && i < times.length; i++) {
      const at = times[i] as number;
      ordered = at >= from && at < to && (i === 0 || at >= (times[i - 1] as number));
    }
    // Copied all the same: arrays grown by push have room for many more events than a story has,
    // and a story's events may be held for days.
    if (ordered) return new Told(tieBase, times.slice(), cards.slice(), codes.slice());
    const order: number[] = [];
    for (let i = 0; i < times.length; i++) if ((times[i] as number) >= from && (times[i] as number) < to) order.push(i);
    order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
    return new Told(
      tieBase,
      order.map((i) => times[i] as number),
      order.map((i) => cards[i] as Card),
      order.map((i) => codes[i] as number),
    );
  }
}

// Date#toISOString was half the cost of generating an event. The date part repeats for every
// event of a day, so it is cached; the time of day is plain arithmetic.
const datePrefixes = new Map<number, string>();
const MAX_CACHED_DAYS = 4096;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** ISO 8601 in UTC with milliseconds, exactly as Date#toISOString writes it, for years 0..9999. */
export function isoTime(time: number): string {
  const day = Math.floor(time / DAY);
  let prefix = datePrefixes.get(day);
  if (prefix === undefined) {
    if (datePrefixes.size >= MAX_CACHED_DAYS) datePrefixes.clear();
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    datePrefixes.set(day, prefix);
  }
  const ofDay = time - day * DAY;
  const hours = Math.floor(ofDay / HOUR);
  const minutes = Math.floor((ofDay % HOUR) / MINUTE);
  const seconds = Math.floor((ofDay % MINUTE) / 1000);
  return `${prefix}${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(ofDay % 1000, 3)}Z`;
}
