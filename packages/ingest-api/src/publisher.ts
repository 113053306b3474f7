import { deadLetterMessage, eventMessage, TOPICS, type EventProducer, type Topics } from '@seamline/kafka';
import type { CanonicalEvent, DeadLetter } from '@seamline/schemas';

/**
 * Where accepted events and dead letters go. Kafka in the services; the embedded mode hands
 * them to the stitcher's processor in process. Resolves once they are durably stored.
 */
export interface EventPublisher {
  publish(events: CanonicalEvent[], deadLetters: DeadLetter[]): Promise<void>;
  /** False while the destination cannot take writes (the API answers 503). */
  ready(): Promise<boolean>;
}

export function kafkaPublisher(
  producer: EventProducer,
  ready: () => Promise<boolean>,
  topics: Topics = TOPICS,
): EventPublisher {
  return {
    async publish(events, deadLetters) {
      await Promise.all([
        producer.send(topics.raw, events.map(eventMessage)),
        producer.send(topics.deadLetter, deadLetters.map(deadLetterMessage)),
      ]);
    },
    ready,
  };
}

/** A publish refused before anything was stored: the request answers 503 with Retry-After. */
export class PublishRefused extends Error {
  override readonly name = 'PublishRefused';
  constructor(
    message: string,
    /** Seconds a client should wait before sending again. */
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export interface PublishLimits {
  /** Events (and dead letters) being published at once, over all requests; more are refused. */
  maxInFlightEvents: number;
  /** A publish not acknowledged within this long is answered as failed (503). */
  timeoutMs: number;
}

/**
 * Bounds what ingest holds while Kafka is slow or gone: a request whose events would take the
 * events in flight over the limit is refused at once (memory stays bounded under overload), and
 * one that Kafka does not acknowledge in time is answered 503 instead of waiting for as long as
 * the producer retries. A timed-out publish may still reach Kafka later; the client's retry is
 * then a duplicate, which the stitcher stores once. Refusals and timeouts throw PublishRefused.
 */
export function boundedPublisher(inner: EventPublisher, limits: PublishLimits, onInFlight: (events: number) => void = () => {}): EventPublisher {
  let inFlight = 0;
  return {
    async publish(events, deadLetters) {
      const size = events.length + deadLetters.length;
      if (inFlight > 0 && inFlight + size > limits.maxInFlightEvents) {
        throw new PublishRefused(`ingest is at capacity (${inFlight} events being stored)`, 1);
      }
      inFlight += size;
      onInFlight(inFlight);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PublishRefused(`Kafka did not acknowledge within ${limits.timeoutMs} ms`, 5)), limits.timeoutMs);
      });
      const publishing = inner.publish(events, deadLetters);
      try {
        await Promise.race([publishing, timeout]);
      } finally {
        clearTimeout(timer);
        // Counted until Kafka answers either way: a timed-out publish still holds its events.
        void publishing
          .catch(() => {})
          .finally(() => {
            inFlight -= size;
            onInFlight(inFlight);
          });
      }
    },
    ready: () => inner.ready(),
  };
}

/** The 503 answer of a failed publish: Retry-After from a refusal, else 5 s. */
export function unavailable(error: unknown): { retryAfter: string; reason: string } {
  if (error instanceof PublishRefused) return { retryAfter: String(error.retryAfterSeconds), reason: error.message };
  return { retryAfter: '5', reason: 'Kafka could not store the events' };
}
