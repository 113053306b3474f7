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
