import type { ClickHouseClient } from '@clickhouse/client';
import { findNewEvents, insertEvents, readKnownIdentities, storeDeadLetters, writeIdentityUpdate } from '@seamline/clickhouse';
import { DEFAULT_MAX_IDENTIFIERS, linkIncrementally, orderEvents } from '@seamline/journeys';
import { TOPICS, type IncomingMessage, type Topics } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import type { JourneyRefresher } from './journey-refresh.ts';
import { seenKey } from './state.ts';
import { asNormalForm, DEFAULT_BLOCKED_VALUES, deadLetter, identifierKeys, makeDeadLetter, validateCanonicalEvent, type CanonicalEvent, type DeadLetter } from '@seamline/schemas';

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  deadLetters: number;
}

/** The newest occurredAt (epoch ms) of the events a batch holds from one topic partition. */
export interface PartitionEventTime {
  topic: string;
  partition: number;
  newestMs: number;
}

/** A batch prepared: what it does is known, and its writes follow those of the batch before. */
export interface StagedBatch {
  outcome: BatchOutcome;
  /** Per topic partition of its messages, the newest occurredAt of its events (event-time lag). */
  eventTimes?: PartitionEventTime[];
  /** Settles once ClickHouse acknowledged every write of the batch; rejects if one failed, or one of the batch before. */
  written: Promise<void>;
}

/** A message is an event, a dead letter to keep, or poison that becomes a dead letter itself. */
type Decoded = { kind: 'event'; event: CanonicalEvent } | { kind: 'deadLetter'; letter: DeadLetter };

function poison(message: IncomingMessage, reason: string, path = ''): Decoded {
  const receivedAt = new Date(Number(message.timestamp) || Date.now());
  const payload = message.value?.toString('utf8') ?? '';
  return { kind: 'deadLetter', letter: makeDeadLetter(`kafka:${message.topic}`, payload, reason, path, receivedAt) };
}

function decode(message: IncomingMessage, options: Required<Omit<ProcessorOptions, 'journeys' | 'onDeadLetters' | 'handOff'>>): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return poison(message, 'message value is not JSON');
  }
  if (message.topic === options.topics.deadLetter) {
    const letter = deadLetter.safeParse(body);
    return letter.success ? { kind: 'deadLetter', letter: letter.data } : poison(message, 'not a dead letter record');
  }
  // Ingest validated and normalised the event: a cheap check confirms it; anything else (another
  // producer, an older format) goes through the full validator.
  const normal = asNormalForm(body, options.blockedIdentifiers);
  if (normal) return { kind: 'event', event: normal };
  const validation = validateCanonicalEvent(body, { blockedIdentifiers: options.blockedIdentifiers });
  if (!validation.ok) return poison(message, validation.rejection.reason, validation.rejection.path);
  return { kind: 'event', event: validation.event };
}

export interface ProcessorOptions {
  topics?: Topics;
  /** Over-merging guard: no customer grows beyond this many identifiers. */
  maxIdentifiers?: number;
  /** Identifier values that never identify anyone. */
  blockedIdentifiers?: readonly string[];
  /** Keeps contacts, journeys and handoffs current; without it only events and identities are written. */
  journeys?: JourneyRefresher | undefined;
  /** Told of every dead letter stored (for metrics). */
  onDeadLetters?: (letters: readonly DeadLetter[]) => void;
  /**
   * Where stored events go to be linked into customers. Unset: linked here, in the batch (one
   * stitcher, or the embedded mode). With several stitchers: produced to the stitched topic,
   * whose single partition one linker consumes (see createLinker).
   */
  handOff?: ((events: CanonicalEvent[]) => Promise<void>) | undefined;
}

/**
 * The stitcher's work for one batch, shared by the Kafka consumer and the embedded mode:
 * decode, keep what cannot be accepted as dead letters, write new events once, and link their
 * identifiers into customers.
 *
 * A batch is staged in two steps: prepared (decoded, checked against what is stored, linked in
 * the stitcher's state), then written. The next batch can be prepared while one is written, so
 * the engine's work and this process's overlap; at most one batch is written at a time, in the
 * order they were staged, and the next one's reads wait for its writes. A failed write fails the
 * batch staged after it too, unwritten; the caller stages both again once they have settled.
 */
export function createBatchProcessor(client: ClickHouseClient, logger: Logger, processorOptions: ProcessorOptions = {}) {
  const journeys = processorOptions.journeys;
  const onDeadLetters = processorOptions.onDeadLetters;
  const options: Required<Omit<ProcessorOptions, 'journeys' | 'onDeadLetters' | 'handOff'>> = {
    topics: processorOptions.topics ?? TOPICS,
    maxIdentifiers: processorOptions.maxIdentifiers ?? DEFAULT_MAX_IDENTIFIERS,
    blockedIdentifiers: processorOptions.blockedIdentifiers ?? DEFAULT_BLOCKED_VALUES,
  };
  const handOff = processorOptions.handOff;

  /** With the stitcher's state: ids its filter proves new are not looked up; the batch joins the filter before the write. */
  function storeOptions(events: readonly CanonicalEvent[]) {
    const state = journeys?.state;
    if (!state) return {};
    const mayBeStored = new Set(events.filter((e) => state.mayBeStored(seenKey.event(e.id))).map((e) => e.id));
    for (const event of events) state.seen.add(seenKey.event(event.id));
    return { mayBeStored: (id: string) => mayBeStored.has(id) };
  }

  /** Links the batch in memory, reading through `reader`; returns its writes. */
  async function prepareLinking(reader: ClickHouseClient, events: CanonicalEvent[]): Promise<() => Promise<void>> {
    if (handOff) return () => handOff(events);
    if (journeys) {
      const prepared = await journeys.prepareLink(reader, events);
      return () => prepared.write();
    }
    return prepareIdentityLink(client, reader, events, options.maxIdentifiers);
  }

  /** The writes of the last batch staged, until they settle. */
  let inFlight: Promise<void> | undefined;
  /** Set when another process may have written (a rejoined consumer group): the state is loaded again before the next batch. */
  let reloadRequested = false;

  /** Batches are prepared one at a time, in the order they are staged, whoever stages them. */
  let preparing: Promise<unknown> = Promise.resolve();
  let staging = 0;
  function stageDecoded(events: CanonicalEvent[], letters: DeadLetter[]): Promise<StagedBatch> {
    staging += 1;
    const staged = preparing.then(() => prepareAndWrite(events, letters)).finally(() => (staging -= 1));
    preparing = staged.catch(() => {});
    return staged;
  }

  async function prepareAndWrite(events: CanonicalEvent[], letters: DeadLetter[]): Promise<StagedBatch> {
    const previous = inFlight ?? Promise.resolve();
    if (reloadRequested && journeys) {
      // Only with nothing in flight: a write landing after the reload began would be missing from its filter.
      await previous.catch(() => {});
      if (reloadRequested) {
        reloadRequested = false;
        journeys.reloadState().catch((error: unknown) => logger.error({ err: error }, 'reloading the stitcher state failed'));
      }
    }
    const reader = readsAfter(client, previous);
    const store = await findNewEvents(reader, events, storeOptions(events));
    // Linking is idempotent, so it covers duplicates too: a batch redelivered after a crash
    // between the event insert and the identity write still gets its links.
    const writeLinks = events.length > 0 ? await prepareLinking(reader, events) : undefined;
    const outcome = { accepted: store.stored.length, duplicates: store.duplicates, deadLetters: letters.length };
    const written = previous
      .then(async () => {
        await Promise.all([insertEvents(client, store.stored), storeDeadLetters(client, letters)]);
        if (letters.length > 0) onDeadLetters?.(letters);
        await writeLinks?.();
        logger.debug({ messages: events.length + letters.length, ...outcome }, 'batch stored');
      })
      .catch((error: unknown) => {
        // The state may hold this batch's customers (see prepareLink): it forgets them all.
        journeys?.state.forgetCustomers();
        throw error;
      });
    inFlight = written;
    const settle = () => {
      if (inFlight === written) inFlight = undefined;
    };
    written.then(settle, settle);
    return { outcome, written };
  }

  function decodeAll(messages: IncomingMessage[], eventTimes?: Map<string, PartitionEventTime>): [CanonicalEvent[], DeadLetter[]] {
    const events: CanonicalEvent[] = [];
    const letters: DeadLetter[] = [];
    for (const message of messages) {
      const decoded = decode(message, options);
      if (decoded.kind === 'event') {
        events.push(decoded.event);
        const key = `${message.topic}\u0000${message.partition}`;
        const at = Date.parse(decoded.event.occurredAt);
        const kept = eventTimes?.get(key);
        if (!kept) eventTimes?.set(key, { topic: message.topic, partition: message.partition, newestMs: at });
        else if (at > kept.newestMs) kept.newestMs = at;
      } else letters.push(decoded.letter);
    }
    return [events, letters];
  }

  /** One batch, prepared and written: resolves only after ClickHouse acknowledged every write. */
  async function processBatch(messages: IncomingMessage[]): Promise<BatchOutcome> {
    const staged = await stageDecoded(...decodeAll(messages));
    await staged.written;
    return staged.outcome;
  }

  /** Prepares the batch and starts its writes after those of the batch before (see StagedBatch). */
  processBatch.staged = async (messages: IncomingMessage[]): Promise<StagedBatch> => {
    const eventTimes = new Map<string, PartitionEventTime>();
    const staged = await stageDecoded(...decodeAll(messages, eventTimes));
    return { ...staged, eventTimes: [...eventTimes.values()] };
  };
  /**
   * The same for events validated in this process with the same rules (the embedded mode,
   * whose ingest validates them): no round trip through message bytes.
   */
  processBatch.stagedDecoded = stageDecoded;
  processBatch.decoded = async (events: CanonicalEvent[], letters: DeadLetter[]): Promise<BatchOutcome> => {
    const staged = await stageDecoded(events, letters);
    await staged.written;
    return staged.outcome;
  };
  /** Loads the stitcher's state again: now when nothing is being written, else before the next batch, once the writes in flight have settled. */
  processBatch.reloadState = () => {
    if (inFlight || staging > 0) reloadRequested = true;
    else journeys?.reloadState().catch((error: unknown) => logger.error({ err: error }, 'reloading the stitcher state failed'));
  };
  return processBatch;
}

/**
 * The client a batch reads through while the batch before it may still be written: its reads
 * wait for those writes (they must see them), and it cannot write.
 */
function readsAfter(client: ClickHouseClient, previous: Promise<void>): ClickHouseClient {
  const reader = Object.create(client) as ClickHouseClient;
  reader.query = (async (params: Parameters<ClickHouseClient['query']>[0]) => {
    await previous;
    return client.query(params);
  }) as ClickHouseClient['query'];
  reader.insert = () => Promise.reject(new Error('a batch writes only once it is prepared'));
  return reader;
}

export type BatchProcessor = ReturnType<typeof createBatchProcessor>;

/**
 * Links events' identifiers into customers and, with journeys, recomputes the customers they
 * touch from the stitcher's state (see linkBatch). Without journeys only identities are kept.
 */
async function linkEvents(client: ClickHouseClient, events: CanonicalEvent[], maxIdentifiers: number, journeys?: JourneyRefresher): Promise<void> {
  if (journeys) return journeys.linkBatch(events);
  await (await prepareIdentityLink(client, client, events, maxIdentifiers))();
}

/** Identities only (no journeys): the events' links computed from what `reader` finds, and their write. */
async function prepareIdentityLink(client: ClickHouseClient, reader: ClickHouseClient, events: readonly CanonicalEvent[], maxIdentifiers: number): Promise<() => Promise<void>> {
  const before = await readKnownIdentities(reader, [...new Set(events.flatMap((e) => identifierKeys(e.customer)))]);
  const update = linkIncrementally(orderEvents(events), before, maxIdentifiers);
  return () => writeIdentityUpdate(client, update);
}

/**
 * The linker of a deployment with several stitchers: consumes the stitched topic (one
 * partition, so one linker at a time, chosen by the consumer group) and links its events.
 */
export function createLinker(client: ClickHouseClient, options: { maxIdentifiers?: number; journeys?: JourneyRefresher }) {
  return async function linkBatch(messages: IncomingMessage[]): Promise<void> {
    const events = messages.flatMap((message) => {
      let body: unknown;
      try {
        body = JSON.parse(message.value?.toString('utf8') ?? '');
      } catch {
        return []; // the stitchers only hand over events they accepted and stored
      }
      // Already normalised and screened for blocked values when the stitcher accepted them.
      const normal = asNormalForm(body, []);
      if (normal) return [normal];
      const validation = validateCanonicalEvent(body, { blockedIdentifiers: [] });
      return validation.ok ? [validation.event] : [];
    });
    if (events.length > 0) await linkEvents(client, events, options.maxIdentifiers ?? DEFAULT_MAX_IDENTIFIERS, options.journeys);
  };
}
