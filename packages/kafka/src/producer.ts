import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';

export interface OutgoingMessage {
  key: string;
  value: string;
}

export interface EventProducer {
  /** Resolves once every broker in the ISR acknowledged every message (acks = all). */
  send(topic: string, messages: OutgoingMessage[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * acks = all and one request in flight per broker keep each partition in order. A retry after a
 * lost acknowledgement may write a message twice; the stitcher stores each event id once, so
 * Kafka's idempotent producer (which wants unbounded retries, hiding an outage from ingest's 503)
 * is not needed.
 */
export async function createEventProducer(kafka: Kafka): Promise<EventProducer> {
  const producer: Producer = kafka.producer({
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    // Murmur2 like the Java client, so other producers put the same customer key on the same partition.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async send(topic, messages) {
      if (messages.length === 0) return;
      await producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
    },
    close: () => producer.disconnect(),
  };
}
