import type { ClickHouseClient } from '@clickhouse/client';
import { readKnownIdentities, storeDeadLetters, storeNewEvents, writeIdentityUpdate } from '@seamline/clickhouse';
import { DEFAULT_MAX_IDENTIFIERS, linkIncrementally, orderEvents } from '@seamline/journeys';
import { TOPICS, type IncomingMessage, type Topics } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import type { JourneyRefresher } from './journey-refresh.ts';
import { DEFAULT_BLOCKED_VALUES, deadLetter, identifierKeys, makeDeadLetter, validateCanonicalEvent, type CanonicalEvent, type DeadLetter } from '@seamline/schemas';

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  deadLetters: number;
}

/** A message is an event, a dead letter to keep, or poison that becomes a dead letter itself. */
type Decoded = { kind: 'event'; event: CanonicalEvent } | { kind: 'deadLetter'; letter: DeadLetter };

function poison(message: IncomingMessage, reason: string, path = ''): Decoded {
  const receivedAt = new Date(Number(message.timestamp) || Date.now());
  const payload = message.value?.toString('utf8') ?? '';
  return { kind: 'deadLetter', letter: makeDeadLetter(`kafka:${message.topic}`, payload, reason, path, receivedAt) };
}

function decode(message: IncomingMessage, options: Required<Omit<ProcessorOptions, 'journeys' | 'onDeadLetters'>>): Decoded {
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
}

/**
 * The stitcher's work for one batch, shared by the Kafka consumer and the embedded mode:
 * decode, keep what cannot be accepted as dead letters, write new events once, and link their
 * identifiers into customers. Resolves only after ClickHouse acknowledged every write.
 */
export function createBatchProcessor(client: ClickHouseClient, logger: Logger, processorOptions: ProcessorOptions = {}) {
  const journeys = processorOptions.journeys;
  const onDeadLetters = processorOptions.onDeadLetters;
  const options: Required<Omit<ProcessorOptions, 'journeys' | 'onDeadLetters'>> = {
    topics: processorOptions.topics ?? TOPICS,
    maxIdentifiers: processorOptions.maxIdentifiers ?? DEFAULT_MAX_IDENTIFIERS,
    blockedIdentifiers: processorOptions.blockedIdentifiers ?? DEFAULT_BLOCKED_VALUES,
  };
  return async function processBatch(messages: IncomingMessage[]): Promise<BatchOutcome> {
    const events: CanonicalEvent[] = [];
    const letters: DeadLetter[] = [];
    let deadLetters = 0;
    for (const message of messages) {
      const decoded = decode(message, options);
      if (decoded.kind === 'event') events.push(decoded.event);
      else {
        letters.push(decoded.letter);
        deadLetters += 1;
      }
    }
    const [store] = await Promise.all([storeNewEvents(client, events), storeDeadLetters(client, letters)]);
    if (letters.length > 0) onDeadLetters?.(letters);
    // Linking is idempotent, so it covers duplicates too: a batch redelivered after a crash
    // between the event insert and the identity write still gets its links.
    if (events.length > 0) {
      const known = await readKnownIdentities(client, [...new Set(events.flatMap((e) => identifierKeys(e.customer)))]);
      await writeIdentityUpdate(client, linkIncrementally(orderEvents(events), known, options.maxIdentifiers));
      // Then the customers the batch touches are recomputed; ids merged away lose their journeys.
      await journeys?.refreshForBatch(events, [...new Set(known.customerOf.values())]);
    }
    const outcome = { accepted: store.stored.length, duplicates: store.duplicates, deadLetters };
    logger.debug({ messages: messages.length, ...outcome }, 'batch stored');
    return outcome;
  };
}

export type BatchProcessor = ReturnType<typeof createBatchProcessor>;
