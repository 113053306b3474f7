import type { ClickHouseClient } from '@clickhouse/client';
import { storeDeadLetters, storeNewEvents } from '@seamline/clickhouse';
import { TOPICS, type IncomingMessage, type Topics } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import { deadLetter, validateCanonicalEvent, type CanonicalEvent, type DeadLetter } from '@seamline/schemas';

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  deadLetters: number;
}

/** A message is an event, a dead letter to keep, or poison that becomes a dead letter itself. */
type Decoded = { kind: 'event'; event: CanonicalEvent } | { kind: 'deadLetter'; letter: DeadLetter };

function poison(message: IncomingMessage, reason: string, path = ''): Decoded {
  return {
    kind: 'deadLetter',
    letter: deadLetter.parse({
      receivedAt: new Date(Number(message.timestamp) || Date.now()).toISOString(),
      source: `kafka:${message.topic}`,
      reason,
      path,
      payload: message.value?.toString('utf8') ?? '',
    }),
  };
}

function decode(message: IncomingMessage, topics: Topics): Decoded {
  let body: unknown;
  try {
    body = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return poison(message, 'message value is not JSON');
  }
  if (message.topic === topics.deadLetter) {
    const letter = deadLetter.safeParse(body);
    return letter.success ? { kind: 'deadLetter', letter: letter.data } : poison(message, 'not a dead letter record');
  }
  const validation = validateCanonicalEvent(body);
  if (!validation.ok) return poison(message, validation.rejection.reason, validation.rejection.path);
  return { kind: 'event', event: validation.event };
}

/**
 * The stitcher's work for one batch, shared by the Kafka consumer and the embedded mode:
 * decode, keep what cannot be accepted as dead letters, write new events once.
 * Resolves only after ClickHouse acknowledged every write.
 */
export function createBatchProcessor(client: ClickHouseClient, logger: Logger, topics: Topics = TOPICS) {
  return async function processBatch(messages: IncomingMessage[]): Promise<BatchOutcome> {
    const events: CanonicalEvent[] = [];
    const letters: DeadLetter[] = [];
    let deadLetters = 0;
    for (const message of messages) {
      const decoded = decode(message, topics);
      if (decoded.kind === 'event') events.push(decoded.event);
      else {
        letters.push(decoded.letter);
        deadLetters += 1;
      }
    }
    const [store] = await Promise.all([storeNewEvents(client, events), storeDeadLetters(client, letters)]);
    const outcome = { accepted: store.stored.length, duplicates: store.duplicates, deadLetters };
    logger.debug({ messages: messages.length, ...outcome }, 'batch stored');
    return outcome;
  };
}

export type BatchProcessor = ReturnType<typeof createBatchProcessor>;
