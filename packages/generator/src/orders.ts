import type { CanonicalEventInput } from '@seamline/schemas';
import { tellLife } from './life.ts';
import { createRandom, type Random } from './random.ts';
import { SAMPLE_SOURCES, type Recorded } from './recorded.ts';
import { timeline, type Arrivals, type Plan } from './timeline.ts';

/** The orders the sample can come out in; see GenerateOptions.order. */
export const ORDERS = ['time', 'customer', 'shuffled'] as const;
export type Order = (typeof ORDERS)[number];

/** The generator's own stream for the backfill's shuffling (customers' streams start at 16). */
const BACKFILL_STREAM = 2;
/** Events one export hands over at a time; within a page they come in no particular order. */
export const BACKFILL_PAGE = 2_000;

/** The organisation's stream: every customer interleaved, in time order. */
export function* timeOrdered(plan: Plan): Generator<CanonicalEventInput, void, undefined> {
  for (const batch of timeline(plan)) for (let i = 0; i < batch.size; i++) yield batch.event(i);
}

/**
 * The same events grouped by customer (in order of arrival), each customer's in time order. The
 * sample is the first `events` events in time order, so a first pass over the timeline finds the
 * last of them and who arrived when; then each life is told whole and cut there.
 */
export function* customerOrdered(plan: Plan): Generator<CanonicalEventInput, void, undefined> {
  const arrivals: Arrivals = new Map();
  let last: { at: number; tie: number } | undefined;
  for (const batch of timeline(plan, arrivals)) if (batch.size > 0) last = { at: batch.at(batch.size - 1), tie: batch.tie(batch.size - 1) };
  if (last === undefined) return;
  const cut = last;
  const within = (record: Recorded) => record.at < cut.at || (record.at === cut.at && record.tie <= cut.tie);
  let index = 0;
  for (const [begins, customers] of arrivals) {
    for (let end = index + customers; index < end; index++) {
      for (const record of tellLife(plan, index, begins)) {
        if (!within(record)) break;
        yield record.event();
      }
    }
  }
}

/**
 * A backfill of several exports: each source system's history exported on its own (a pass over
 * the organisation's stream keeping that source's events), the exports one after another in a
 * seeded order, each handed over in pages of BACKFILL_PAGE events whose order within the page is
 * lost. So events arrive far out of time order (a source's last day before another's first),
 * and locally scrambled. Memory stays that of the time order plus one page.
 */
export function* backfill(plan: Plan): Generator<CanonicalEventInput, void, undefined> {
  const random = createRandom(plan.seed, BACKFILL_STREAM);
  for (const source of shuffle([...SAMPLE_SOURCES], random)) {
    let page: CanonicalEventInput[] = [];
    for (const batch of timeline(plan)) {
      for (let i = 0; i < batch.size; i++) {
        if (batch.source(i) !== source) continue;
        page.push(batch.event(i));
        if (page.length === BACKFILL_PAGE) {
          yield* shuffle(page, random);
          page = [];
        }
      }
    }
    yield* shuffle(page, random);
  }
}

/** Fisher-Yates, in place. */
function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
