import type { CanonicalEventInput } from '@seamline/schemas';
import { sampleCustomer } from './customer.ts';
import { corrupt } from './invalid.ts';
import { createRandom } from './random.ts';
import { DAY, type SourceSequences } from './story.ts';
import { tellStory } from './stories.ts';

export interface GenerateOptions {
  /** Exactly this many events come out. */
  events: number;
  /** Any safe integer; the same seed and count give the same events, byte for byte. */
  seed: number;
  /** Start of the sample period; default 2026-01-01T00:00:00Z. */
  start?: Date;
  /** Length of the sample period in days, at least 1; default 90. */
  days?: number;
  /**
   * Share of events (0..1) given a defect that makes them dead letters, to exercise the ingest
   * path. Default 0: every event is valid. The valid events stay the same whatever the share.
   */
  invalidShare?: number;
}

export const DEFAULT_START = '2026-01-01T00:00:00.000Z';
export const DEFAULT_DAYS = 90;

/** A period too short for any story to fit would loop for ever; this many empty customers in a row stop it. */
const MAX_EMPTY_STORIES = 1000;

interface Plan {
  events: number;
  seed: number;
  from: number;
  to: number;
  invalidShare: number;
}

function plan(options: GenerateOptions): Plan {
  const { events, seed, start = new Date(DEFAULT_START), days = DEFAULT_DAYS, invalidShare = 0 } = options;
  if (!Number.isSafeInteger(events) || events < 0) throw new RangeError(`events: must be a whole number >= 0, got ${events}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed: must be a safe integer, got ${seed}`);
  const from = start.getTime();
  if (Number.isNaN(from)) throw new RangeError('start: not a valid date');
  if (!Number.isFinite(days) || days < 1) throw new RangeError(`days: must be at least 1, got ${days}`);
  if (!(invalidShare >= 0 && invalidShare <= 1)) throw new RangeError(`invalidShare: must be between 0 and 1, got ${invalidShare}`);
  return { events, seed, from, to: from + days * DAY, invalidShare };
}

/**
 * Canonical events (SPEC v1) of a fictional organisation's customers, one customer's story at a
 * time: memory stays flat however many events are asked for. Events come out grouped by customer,
 * each customer's in time order; SPEC's figures do not depend on arrival order.
 * Options are checked at once; a bad one throws a RangeError naming it.
 */
export function generateEvents(options: GenerateOptions): Generator<CanonicalEventInput, void, undefined> {
  return emit(plan(options));
}

function* emit({ events, seed, from, to, invalidShare }: Plan): Generator<CanonicalEventInput, void, undefined> {
  const random = createRandom(seed);
  // Defects draw from a stream of their own, so that switching them on leaves the story unchanged.
  const defects = createRandom(seed, 1);
  const sequences: SourceSequences = { ticket: 0, call: 0, billingEvent: 0 };
  const firstDay = from - (from % DAY);
  const periodDays = Math.ceil((to - firstDay) / DAY);
  let emitted = 0;
  let emptyInARow = 0;
  for (let index = 0; emitted < events; index++) {
    const customer = sampleCustomer(random, index);
    const begins = firstDay + random.int(0, periodDays - 1) * DAY;
    const story = tellStory({ random, customer, sequences, begins, from, to });
    emptyInARow = story.length === 0 ? emptyInARow + 1 : 0;
    if (emptyInARow > MAX_EMPTY_STORIES) throw new RangeError('days: the period is too short for any story to fit');
    for (const event of story) {
      if (emitted === events) return;
      emitted += 1;
      yield invalidShare > 0 && defects.chance(invalidShare) ? corrupt(defects, event) : event;
    }
  }
}
