import type { EventPublisher } from '@seamline/ingest';
import { deadLetterMessage, eventMessage, TOPICS, type IncomingMessage } from '@seamline/kafka';
import type { BatchOutcome, BatchProcessor } from '@seamline/stitcher';

/**
 * The embedded mode's transport: instead of producing to Kafka, hand each batch to the
 * stitcher's processor in this process, as the messages Kafka would have delivered.
 */
export function inProcessPublisher(processBatch: BatchProcessor) {
  const totals: BatchOutcome = { accepted: 0, duplicates: 0, deadLetters: 0 };
  let offset = 0;
  const asMessages = (topic: string, messages: { key: string; value: string }[]): IncomingMessage[] =>
    messages.map((m) => ({
      topic,
      partition: 0,
      offset: String(offset++),
      key: m.key,
      value: Buffer.from(m.value),
      timestamp: String(Date.now()),
    }));
  const publisher: EventPublisher = {
    async publish(events, deadLetters) {
      const outcome = await processBatch([
        ...asMessages(TOPICS.raw, events.map(eventMessage)),
        ...asMessages(TOPICS.deadLetter, deadLetters.map(deadLetterMessage)),
      ]);
      totals.accepted += outcome.accepted;
      totals.duplicates += outcome.duplicates;
      totals.deadLetters += outcome.deadLetters;
    },
    ready: async () => true,
  };
  return { publisher, totals };
}
