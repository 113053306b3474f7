import { sampleCustomer, type SampleCustomer } from './customer.ts';
import { DEFECTS } from './invalid.ts';
import { createRandom } from './random.ts';
import { Recorded, Told } from './recorded.ts';
import { tellOneStory } from './stories.ts';
import { DAY, startOfDay, Story, type SourceSequences } from './story.ts';

/** What every customer's life is told against. */
export interface Period {
  seed: number;
  /** The sample period [from, to), ms since the epoch: events outside it are cut. */
  from: number;
  to: number;
  invalidShare: number;
}

/** At most this many stories (chapters) in one life; also bounds the ids a customer uses. */
export const MAX_CHAPTERS = 12;
/** After each story, the customer comes back with this chance: a geometric number of returns. */
const RETURN_CHANCE = 0.45;
/** Days from the end of one story to the next: a few within the repeat window, most weeks later. */
const RETURN_GAP_DAYS: readonly (readonly [readonly [number, number], number])[] = [
  [[1, 6], 20],
  [[7, 20], 45],
  [[21, 40], 35],
];
/**
 * Share of customers one of whose systems learns a link only later: from some chapter on they
 * write their phone into tickets, give their account number on calls, or billing gets their
 * e-mail. Identifiers seen apart until then are linked by a later event (a late identity link).
 */
const LATE_LINK_CHANCE = 0.35;
const LEARNABLE_HABITS = ['writesPhoneInTickets', 'givesAccountNumber', 'billingHasEmail'] as const;

// Every customer draws from streams of their own, so that a customer's life is the same whatever
// order lives are told in. Streams below FIRST_CUSTOMER_STREAM are the generator's own.
const FIRST_CUSTOMER_STREAM = 16;
const STREAMS_PER_CUSTOMER = 32;
const IDENTITY_STREAM = 0;
const CHAPTER_STREAM = 1;
const DEFECT_STREAM = 1 + MAX_CHAPTERS;

function customerStream(index: number, stream: number): number {
  return FIRST_CUSTOMER_STREAM + index * STREAMS_PER_CUSTOMER + stream;
}

// Ids of tickets, calls and billing events come from per-customer blocks, large enough for
// MAX_CHAPTERS stories (two tickets, three calls, six billing events at most each): unique
// without a counter shared between customers.
const ID_BLOCKS = { ticket: 32, call: 64, billingEvent: 128 } as const;

export function firstSequences(index: number): SourceSequences {
  return { ticket: index * ID_BLOCKS.ticket, call: index * ID_BLOCKS.call, billingEvent: index * ID_BLOCKS.billingEvent };
}

// A customer's counters as one small number (their offsets within the customer's blocks), so that
// the many lives waiting for their next chapter cost a few bytes each.
const TICKET_BITS = 6;
const CALL_BITS = 7;

export function packSequences(index: number, sequences: SourceSequences): number {
  const { ticket, call, billingEvent } = firstSequences(index);
  return (((sequences.billingEvent - billingEvent) << CALL_BITS) | (sequences.call - call)) * 2 ** TICKET_BITS + (sequences.ticket - ticket);
}

export function unpackSequences(index: number, packed: number): SourceSequences {
  const first = firstSequences(index);
  const ticket = packed % 2 ** TICKET_BITS;
  const rest = (packed - ticket) / 2 ** TICKET_BITS;
  return { ticket: first.ticket + ticket, call: first.call + (rest & (2 ** CALL_BITS - 1)), billingEvent: first.billingEvent + (rest >> CALL_BITS) };
}

function checkSequences(index: number, sequences: SourceSequences): void {
  for (const kind of ['ticket', 'call', 'billingEvent'] as const) {
    if (sequences[kind] > (index + 1) * ID_BLOCKS[kind]) throw new Error(`customer ${index} used more ${kind} ids than its block holds`);
  }
}

/** What a counted story keeps: nothing. */
const NOTHING_TOLD = new Told(0, [], [], []);

// Events of one millisecond are ordered by customer, chapter and place in the chapter.
const CHAPTER_TIES = 16;
const PLACE_TIES = 256;

function tieOf(index: number, chapter: number, place: number): number {
  return (index * CHAPTER_TIES + chapter) * PLACE_TIES + place;
}

/** A customer as the sample knows them: who they are, and the chapter from which a habit changed. */
export interface Identity {
  index: number;
  customer: SampleCustomer;
  /** The customer from chapter `learnsAt` on; the same object when nothing changes. */
  later: SampleCustomer;
  learnsAt: number;
}

export function identityOf(seed: number, index: number): Identity {
  const random = createRandom(seed, customerStream(index, IDENTITY_STREAM));
  const customer = sampleCustomer(random, index);
  const unchanged: Identity = { index, customer, later: customer, learnsAt: MAX_CHAPTERS };
  if (!random.chance(LATE_LINK_CHANCE)) return unchanged;
  const learnsAt = random.int(1, 3);
  const learnable = LEARNABLE_HABITS.filter((habit) => !customer[habit]);
  if (learnable.length === 0) return unchanged;
  return { index, customer, later: { ...customer, [random.pick(learnable)]: true }, learnsAt };
}

export interface ChapterTold {
  /** The chapter's events within the period, in time order; none when counting. */
  told: Told;
  /** How many events of the chapter fall within the period. */
  count: number;
  /** When the next chapter begins; undefined when the customer does not come back within the period. */
  next: number | undefined;
  /** The customer's id counters after this chapter. */
  sequences: SourceSequences;
}

/**
 * Chapter `chapter` of a customer's life, beginning at `begins` (ms): one story from the catalogue,
 * then whether and when the customer comes back. The same inputs give the same chapter, defects
 * included, whenever and in whatever order chapters are told.
 */
export function tellChapter(
  period: Period,
  identity: Identity,
  chapter: number,
  begins: number,
  sequences: SourceSequences,
  counting = false,
): ChapterTold {
  const { index } = identity;
  const random = createRandom(period.seed, customerStream(index, CHAPTER_STREAM + chapter));
  const customer = chapter >= identity.learnsAt ? identity.later : identity.customer;
  const story = new Story(random, customer, { ...sequences }, begins, counting);
  tellOneStory(story);
  let next: number | undefined;
  if (chapter + 1 < MAX_CHAPTERS && random.chance(RETURN_CHANCE)) {
    const [min, max] = random.weighted(RETURN_GAP_DAYS);
    const at = startOfDay(story.now) + random.int(min, max) * DAY;
    if (at < period.to) next = at;
  }
  checkSequences(index, story.sequences);
  if (counting) return { told: NOTHING_TOLD, count: story.countWithin(period.from, period.to), next, sequences: story.sequences };
  const told = story.toldWithin(period.from, period.to, tieOf(index, chapter, 0));
  if (told.count > PLACE_TIES) throw new Error(`customer ${index}: a story of ${told.count} events`);
  if (period.invalidShare > 0) addDefects(period, index, chapter, told);
  return { told, count: told.count, next, sequences: story.sequences };
}

/** The given share of events gets a defect, drawn from a stream of its own: the story stays the same. */
function addDefects(period: Period, index: number, chapter: number, told: Told): void {
  const defects = createRandom(period.seed, customerStream(index, DEFECT_STREAM + chapter));
  for (let place = 0; place < told.count; place++) {
    if (defects.chance(period.invalidShare)) (told.defects ??= [])[place] = defects.int(0, DEFECTS - 1);
  }
}

/**
 * A chapter told for the timeline: one that begins before the period is first only timed, and
 * told in full only when some of its events fall within the period.
 */
export function tellDueChapter(period: Period, identity: Identity, chapter: number, begins: number, sequences: SourceSequences): ChapterTold {
  if (begins < period.from) {
    const timed = tellChapter(period, identity, chapter, begins, sequences, true);
    if (timed.count === 0) return timed;
  }
  return tellChapter(period, identity, chapter, begins, sequences);
}

/** Every event of a customer's life within the period, in (time, tie) order. */
export function tellLife(period: Period, index: number, begins: number): Recorded[] {
  const identity = identityOf(period.seed, index);
  const records: Recorded[] = [];
  let sequences = firstSequences(index);
  for (let chapter = 0, at: number | undefined = begins; at !== undefined; chapter++) {
    const { told, next, sequences: after } = tellDueChapter(period, identity, chapter, at, sequences);
    for (let place = 0; place < told.count; place++) records.push(new Recorded(told, place));
    sequences = after;
    at = next;
  }
  return records.sort((a, b) => a.at - b.at || a.tie - b.tie);
}
