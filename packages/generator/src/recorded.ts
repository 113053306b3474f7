import type { CanonicalEventInput } from '@seamline/schemas';
import { corrupt, NO_DEFECT, type Defect } from './invalid.ts';

/** The source systems of the sample. */
export const SAMPLE_SOURCES = ['zendesk', 'connect', 'stripe'] as const;
export type SampleSource = (typeof SAMPLE_SOURCES)[number];

/**
 * What the events of one ticket, one call or one billing event share, and how to write one of
 * them out: `code` is the small number the card gave the event when it was recorded.
 */
export interface Card {
  readonly source: SampleSource;
  write(at: number, code: number): CanonicalEventInput;
}

/**
 * The events of one story (a chapter of a customer's life) within the sample period, in time
 * order, as parallel arrays: when each happens, its card and its code. A sample holds many events
 * told but not yet due; numbers in arrays cost far less to keep than an object per event, let
 * alone a finished event.
 */
export class Told {
  /** Defects by place, when the sample has any (see invalid.ts). */
  defects: Defect[] | undefined;

  constructor(
    /** Ties of this story's events are `tieBase + place`: by customer, chapter, then place. */
    readonly tieBase: number,
    readonly times: readonly number[],
    readonly cards: readonly Card[],
    readonly codes: readonly number[],
  ) {}

  get count(): number {
    return this.times.length;
  }

  /** Events `from` to `to` (exclusive) alone, keeping their places for ties and defects. */
  slice(from: number, to: number): Told {
    if (from === 0 && to === this.count) return this;
    const part = new Told(this.tieBase + from, this.times.slice(from, to), this.cards.slice(from, to), this.codes.slice(from, to));
    part.defects = this.defects?.slice(from, to);
    return part;
  }

  /** Event `place` (0 is the story's first in the period), built: a new object on every call. */
  event(place: number): CanonicalEventInput {
    const event = (this.cards[place] as Card).write(this.times[place] as number, this.codes[place] as number);
    const defect = this.defects?.[place] ?? NO_DEFECT;
    return defect === NO_DEFECT ? event : corrupt(defect, event);
  }
}

/** One event of a story, as the timeline hands it out: when, its tie, where it comes from. */
export class Recorded {
  readonly at: number;
  readonly tie: number;

  constructor(
    private readonly told: Told,
    private readonly place: number,
  ) {
    this.at = told.times[place] as number;
    this.tie = told.tieBase + place;
  }

  get source(): SampleSource {
    return (this.told.cards[this.place] as Card).source;
  }

  event(): CanonicalEventInput {
    return this.told.event(this.place);
  }
}

// Events of tickets and calls are coded as their type, their number within the ticket or call,
// their queue and their agent, packed into one small integer.
const TYPE_BITS = 3;
const STEP_BITS = 7;
const QUEUE_BITS = 5;

/** The code of a ticket's or call's event; `agent` 0 for none. Every part must fit its bits. */
export function contactCode(type: number, step: number, queue: number, agent: number): number {
  return ((agent * 2 ** QUEUE_BITS + queue) * 2 ** STEP_BITS + step) * 2 ** TYPE_BITS + type;
}

export function fromContactCode(code: number): { type: number; step: number; queue: number; agent: number } {
  const type = code % 2 ** TYPE_BITS;
  let rest = (code - type) / 2 ** TYPE_BITS;
  const step = rest % 2 ** STEP_BITS;
  rest = (rest - step) / 2 ** STEP_BITS;
  const queue = rest % 2 ** QUEUE_BITS;
  return { type, step, queue, agent: (rest - queue) / 2 ** QUEUE_BITS };
}

/**
 * Events in time order, as the timeline hands them out a slot of time at a time: each the story
 * it was told in and its place there. Built only when asked for.
 */
export class Batch {
  constructor(
    private told: Told[],
    private places: number[],
  ) {}

  get size(): number {
    return this.told.length;
  }

  at(i: number): number {
    return (this.told[i] as Told).times[this.places[i] as number] as number;
  }

  tie(i: number): number {
    return (this.told[i] as Told).tieBase + (this.places[i] as number);
  }

  source(i: number): SampleSource {
    return ((this.told[i] as Told).cards[this.places[i] as number] as Card).source;
  }

  event(i: number): CanonicalEventInput {
    return (this.told[i] as Told).event(this.places[i] as number);
  }

  /** The first `count` events alone. */
  first(count: number): Batch {
    return count >= this.size ? this : new Batch(this.told.slice(0, count), this.places.slice(0, count));
  }

  /** Puts runs of events of one millisecond in tie order (or, with `all`, sorts the whole batch). */
  settleTies(all: boolean): void {
    const count = this.size;
    const byTime = (a: number, b: number) => this.at(a) - this.at(b) || this.tie(a) - this.tie(b);
    for (let i = 1; i < count; i++) {
      if (!all && this.at(i) !== this.at(i - 1)) continue;
      let end = i + 1;
      while (end < count && (all || this.at(end) === this.at(i))) end += 1;
      const run = Array.from({ length: end - i + 1 }, (_, k) => i - 1 + k).sort(byTime);
      const told = run.map((k) => this.told[k] as Told);
      const places = run.map((k) => this.places[k] as number);
      for (let k = 0; k < run.length; k++) {
        this.told[i - 1 + k] = told[k] as Told;
        this.places[i - 1 + k] = places[k] as number;
      }
      i = end - 1;
    }
  }
}
