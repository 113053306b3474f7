import { DAY, HOUR, startOfDay } from './story.ts';

/** Whose lives make up the sample: `events` events within [from, to). */
export interface Cast {
  events: number;
  from: number;
  to: number;
}

/**
 * Mean events of one customer's whole life (all chapters, nothing cut), as the story catalogue
 * and the return chances give it (a test keeps it honest). It sets the steady arrival rate.
 */
export const LIFE_EVENTS = 8.5;
/** Customers already living before the period: the stream opens with returning customers too. */
const BURN_IN = 30 * DAY;
/** However far ahead the stream is, at least this share of the steady rate arrives each day. */
const MIN_SHARE = 0.5;
/** However far behind it is, at most this many times the steady rate arrives in a day (but the last). */
const MAX_SHARE = 3;
/** A period too short for any story to fit would loop for ever; this many empty lives in a row stop it. */
const MAX_EMPTY_LIVES = 1000;
/**
 * The last day, which takes as many customers as reach `events`, is the one ending within this
 * of the period's end: a period that ends early in a day, too soon for any story begun that day,
 * is filled the day before.
 */
const LAST_DAY_SLACK = 12 * HOUR;

/**
 * How many customers arrive at the start of each day. Customers arrive at a steady rate, from a
 * burn-in before the period on (so the period opens with customers coming back, not with an empty
 * organisation), at the rate that fills the period with `events` events. Within the period the
 * rate bends to the stream: a day whose events fall short of an even share of the period gets
 * more new customers, a day running ahead fewer; the last day takes as many as it needs to reach
 * `events` exactly. So every sample spans its period at an even density, whatever its size.
 */
export class Pace {
  /** The start of the day the burn-in begins on: days are counted from here. */
  readonly opens: number;
  private readonly perDay: number;
  private carried = 0;

  constructor(private readonly cast: Cast) {
    const period = cast.to - cast.from;
    this.opens = startOfDay(cast.from - Math.min(BURN_IN, period));
    this.perDay = (cast.events / LIFE_EVENTS) * (DAY / period);
  }

  /**
   * Arrivals for the day [start, start + DAY), given how many events the stream has emitted before
   * it, `arrive` telling each new customer's first story and answering how many of its events fall
   * on this day, and `due`, how many already do (customers coming back, stories going on).
   */
  day(start: number, emitted: number, due: number, arrive: () => number): void {
    const { from, to, events } = this.cast;
    const end = start + DAY;
    const steady = this.steady(start, end);
    if (end <= from) {
      for (let i = 0; i < steady; i++) arrive();
      return;
    }
    const last = end >= to - LAST_DAY_SLACK;
    const target = last ? events : (events * (end - from)) / (to - from);
    const fewest = Math.floor(steady * MIN_SHARE);
    const most = Math.ceil(steady * MAX_SHARE) + 1;
    let empty = 0;
    for (let arrived = 0; arrived < fewest || emitted + due < target; arrived++) {
      if (!last && arrived >= most) break;
      const today = arrive();
      due += today;
      empty = today === 0 ? empty + 1 : 0;
      if (last && empty > MAX_EMPTY_LIVES) throw new RangeError('days: the period is too short for any story to fit');
    }
  }

  /** The steady arrivals for the part of [start, end) from the burn-in to the period's end, fractions carried over. */
  private steady(start: number, end: number): number {
    const covered = Math.max(0, Math.min(end, this.cast.to) - Math.max(start, this.opens));
    this.carried += (this.perDay * covered) / DAY;
    const whole = Math.floor(this.carried);
    this.carried -= whole;
    return whole;
  }
}
