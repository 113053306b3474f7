import type { CanonicalEventInput } from '@seamline/schemas';
import { backfill, customerOrdered, ORDERS, timeOrdered, type Order } from './orders.ts';
import { DAY } from './story.ts';
import type { Plan } from './timeline.ts';

export interface GenerateOptions {
  /** Exactly this many events come out. */
  events: number;
  /**
   * Any safe integer; the same seed, count and order give the same events, byte for byte. The
   * count shapes the sample (more customers over the same period), so a smaller sample is not the
   * beginning of a larger one.
   */
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
  /**
   * The order the events come out in; the events themselves are the same in every order.
   * - `time` (default): the organisation's stream, every customer interleaved, in time order.
   * - `customer`: grouped by customer, each customer's events in time order.
   * - `shuffled`: a backfill: each source's export in turn, in a seeded order of sources, each
   *   export in pages whose order within the page is scrambled.
   */
  order?: Order;
}

export const DEFAULT_START = '2026-01-01T00:00:00.000Z';
export const DEFAULT_DAYS = 90;

function plan(options: GenerateOptions): Plan & { order: Order } {
  const { events, seed, start = new Date(DEFAULT_START), days = DEFAULT_DAYS, invalidShare = 0, order = 'time' } = options;
  if (!Number.isSafeInteger(events) || events < 0) throw new RangeError(`events: must be a whole number >= 0, got ${events}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed: must be a safe integer, got ${seed}`);
  const from = start.getTime();
  if (Number.isNaN(from)) throw new RangeError('start: not a valid date');
  if (!Number.isFinite(days) || days < 1) throw new RangeError(`days: must be at least 1, got ${days}`);
  if (!(invalidShare >= 0 && invalidShare <= 1)) throw new RangeError(`invalidShare: must be between 0 and 1, got ${invalidShare}`);
  if (!(ORDERS as readonly string[]).includes(order)) throw new RangeError(`order: must be one of ${ORDERS.join(', ')}, got ${String(order)}`);
  return { events, seed, from, to: from + days * DAY, invalidShare, order };
}

/**
 * Canonical events (v1, docs/events.md) of a fictional organisation's customers over the sample period.
 * Customers come back over days and weeks, and some systems learn a link between two of a
 * customer's identifiers only in a later story. Lives are told a chapter at a time, so memory
 * holds the customers living at the moment, not the sample, however many events are asked for.
 * Options are checked at once; a bad one throws a RangeError naming it.
 */
export function generateEvents(options: GenerateOptions): Generator<CanonicalEventInput, void, undefined> {
  const { order, ...sample } = plan(options);
  if (order === 'customer') return customerOrdered(sample);
  if (order === 'shuffled') return backfill(sample);
  return timeOrdered(sample);
}
