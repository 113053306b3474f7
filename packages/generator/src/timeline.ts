import { Pace } from './arrivals.ts';
import { firstSequences, identityOf, MAX_CHAPTERS, packSequences, tellDueChapter, unpackSequences, type Identity, type Period } from './life.ts';
import { Batch, type Told } from './recorded.ts';
import { DAY, HOUR, startOfDay, type SourceSequences } from './story.ts';

/** The sample to generate: `events` events of the period's customers. */
export interface Plan extends Period {
  events: number;
}

/**
 * Chapters of customers' lives to tell on a later day: the day one begins, or a day on which
 * events of one told before but not kept are due. Many lives wait at once, so each waiting chapter
 * is three numbers in its day's list rather than an object: the customer and the chapter; their
 * id counters (packSequences); the day the chapter begins and the day to resume on, each plus one
 * (0: when the period starts, perhaps mid-day; 0: none, a chapter to tell anew).
 */
const WAKE_FIELDS = 3;
const DAYS = 2 ** 20;

/** How many customers arrived at the start of each day (ms since the epoch), in order of arrival. */
export type Arrivals = Map<number, number>;

/**
 * Of a chapter told, only the events of this many days (from the day it is told on) are kept; it
 * is told again on the day its next events are due. Most stories end within them (a ticket solved
 * and closed by Zendesk four days later); the longer ones (invoices a month apart) would otherwise
 * hold their events for weeks.
 */
const KEEP_DAYS = 9;

/** Events are sorted an hour at a time (a day at a time for periods of over a century). */
const SLOT = HOUR;
const MAX_SLOTS = 1_000_000;

/**
 * The first `plan.events` events of all customers' lives, in (time, tie) order, as recorded (the
 * caller builds those it wants), in batches: one per slot of time. `arrivals`, when given, is
 * filled with who arrived when, so that the same lives can be told again in another order.
 *
 * Lives go on a day at a time. At the start of each day every chapter beginning that day is told
 * (and those with events due that day that were not kept when told), then the day's new customers
 * arrive (Pace decides how many) and their first chapter is told; chapters begin at the start of
 * a day, or when the period starts. The events kept go into hour slots by time; then the day's
 * slots are sorted and emitted. Nothing told later falls into a day already begun, since a
 * chapter's events and the next chapter come after its beginning. So memory holds the customers
 * living at the moment and the events of the next few days, never the whole sample.
 */
export function* timeline(plan: Plan, arrivals?: Arrivals): Generator<Batch, void, undefined> {
  if (plan.events === 0) return;
  const pace = new Pace(plan);
  const origin = pace.opens;
  const slot = (plan.to - origin) / SLOT <= MAX_SLOTS ? SLOT : Math.ceil((plan.to - origin) / MAX_SLOTS / DAY) * DAY;
  const days = new Array<number[] | undefined>(Math.ceil((plan.to - origin) / DAY)).fill(undefined);
  const slots = new Array<Slot | undefined>(Math.ceil((plan.to - origin) / slot)).fill(undefined);
  const dayOf = (time: number) => Math.floor((time - origin) / DAY);
  const schedule = (index: number, chapter: number, begins: number, sequences: SourceSequences, resume: number | undefined) => {
    const wakes = (days[dayOf(resume ?? begins)] ??= []);
    const beginsDay = begins === plan.from ? 0 : dayOf(begins) + 1;
    wakes.push(index * MAX_CHAPTERS + chapter, packSequences(index, sequences), beginsDay * DAYS + (resume === undefined ? 0 : dayOf(resume) + 1));
  };
  /**
   * Tells a chapter and keeps its events due within KEEP_DAYS from the day of `resume ?? begins`
   * (the rest is told again when due); answers how many of those kept fall before `today`.
   */
  const tell = (identity: Identity, chapter: number, begins: number, sequences: SourceSequences, resume: number | undefined, today: number) => {
    const chapterTold = tellDueChapter(plan, identity, chapter, begins, sequences);
    const { told } = chapterTold;
    const until = startOfDay(resume ?? begins) + KEEP_DAYS * DAY;
    let from = 0;
    if (resume !== undefined) while (from < told.count && (told.times[from] as number) < resume) from += 1;
    let to = from;
    while (to < told.count && (told.times[to] as number) < until) to += 1;
    if (to < told.count) schedule(identity.index, chapter, begins, sequences, startOfDay(told.times[to] as number));
    // Only the events kept are held, not the whole story they were told in.
    const kept = told.slice(from, to);
    let due = 0;
    for (let place = 0; place < kept.count; place++) {
      const at = kept.times[place] as number;
      if (at < today) due += 1;
      (slots[Math.floor((at - origin) / slot)] ??= new Slot()).add(kept, place);
    }
    if (resume === undefined && chapterTold.next !== undefined) {
      schedule(identity.index, chapter + 1, chapterTold.next, chapterTold.sequences, undefined);
    }
    return due;
  };

  let customers = 0;
  let emitted = 0;
  const slotsPerDay = DAY / slot;
  for (let day = 0; day < days.length; day++) {
    const start = origin + day * DAY;
    const end = start + DAY;
    const wakes = days[day] ?? [];
    for (let i = 0; i < wakes.length; i += WAKE_FIELDS) {
      const who = wakes[i] as number;
      const chapter = who % MAX_CHAPTERS;
      const index = (who - chapter) / MAX_CHAPTERS;
      const when = wakes[i + 2] as number;
      const resumeDay = when % DAYS;
      const beginsDay = (when - resumeDay) / DAYS;
      const begins = beginsDay === 0 ? plan.from : origin + (beginsDay - 1) * DAY;
      const resume = resumeDay === 0 ? undefined : origin + (resumeDay - 1) * DAY;
      tell(identityOf(plan.seed, index), chapter, begins, unpackSequences(index, wakes[i + 1] as number), resume, end);
    }
    days[day] = undefined;
    const first = Math.floor(day * slotsPerDay);
    const after = Math.min(slots.length, Math.floor((day + 1) * slotsPerDay));
    let due = 0;
    for (let index = first; index < after; index++) due += slots[index]?.size ?? 0;
    // The day the period starts on (mid-day, perhaps) has its customers arrive when it starts.
    const begins = start < plan.from && end > plan.from ? plan.from : start;
    const before = customers;
    pace.day(start, emitted, due, () => {
      const today = tell(identityOf(plan.seed, customers), 0, begins, firstSequences(customers), undefined, end);
      customers += 1;
      return today;
    });
    if (customers > before) arrivals?.set(begins, customers - before);
    for (let index = first; index < after; index++) {
      const waiting = slots[index];
      if (waiting === undefined) continue;
      slots[index] = undefined;
      const sorted = waiting.inTimeOrder(origin + index * slot, slot);
      const left = plan.events - emitted;
      if (sorted.size >= left) {
        yield sorted.first(left);
        return;
      }
      emitted += sorted.size;
      yield sorted;
    }
  }
  throw new Error(`the customers' lives ran out after ${emitted} of ${plan.events} events`);
}

/** The events due within one slot of time: each a story told and a place in it. */
class Slot {
  private readonly told: Told[] = [];
  private readonly places: number[] = [];

  get size(): number {
    return this.told.length;
  }

  add(told: Told, place: number): void {
    this.told.push(told);
    this.places.push(place);
  }

  /**
   * The events (all in [start, start + length)) in (at, tie) order. A native sort of numbers
   * (time within the slot, then place in the lists) does the work; runs of one millisecond, rare,
   * are then put in tie order.
   */
  inTimeOrder(start: number, length: number): Batch {
    const { told, places } = this;
    const count = told.length;
    let spread = 1;
    while (spread <= count) spread *= 2;
    const order = new Array<number>(count);
    if (length * spread < Number.MAX_SAFE_INTEGER) {
      const keys = new Float64Array(count);
      for (let i = 0; i < count; i++) keys[i] = (((told[i] as Told).times[places[i] as number] as number) - start) * spread + i;
      keys.sort();
      for (let i = 0; i < count; i++) order[i] = (keys[i] as number) % spread;
    } else {
      for (let i = 0; i < count; i++) order[i] = i;
    }
    const batch = new Batch(
      order.map((i) => told[i] as Told),
      order.map((i) => places[i] as number),
    );
    batch.settleTies(length * spread >= Number.MAX_SAFE_INTEGER);
    return batch;
  }
}
