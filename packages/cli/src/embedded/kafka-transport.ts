import { kafkaPublisher, type EventPublisher } from '@seamline/ingest-api';
import { createEventProducer, createKafka, ensureTopics, topicNames, type KafkaSettings } from '@seamline/kafka';
import type { Logger } from '@seamline/log';
import type { BatchOutcome } from '@seamline/stitch';

/**
 * The CLI's transport when KAFKA_BROKERS is set: produce to the deployment's topics, where its
 * stitchers store each event once. Duplicates among stored events are found there, so the
 * totals count what was produced.
 */
export async function kafkaTransport(settings: KafkaSettings, topicPrefix: string, logger: Logger) {
  const kafka = createKafka(settings, logger);
  const topics = topicNames(topicPrefix);
  await ensureTopics(kafka, topics);
  const producer = await createEventProducer(kafka);
  const target = kafkaPublisher(producer, async () => true, topics);
  const totals: BatchOutcome = { accepted: 0, duplicates: 0, deadLetters: 0 };
  const publisher: EventPublisher = {
    async publish(events, deadLetters) {
      await target.publish(events, deadLetters);
      totals.accepted += events.length;
      totals.deadLetters += deadLetters.length;
    },
    ready: target.ready,
  };
  return { publisher, totals, close: () => producer.close() };
}
