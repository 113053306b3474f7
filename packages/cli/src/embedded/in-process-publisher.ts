import type { EventPublisher } from '@seamline/ingest';
import type { BatchOutcome, BatchProcessor } from '@seamline/stitch';

/**
 * The embedded mode's transport: instead of producing to Kafka, hand each batch ingest
 * validated to the stitcher's processor in this process (the same processing as the messages
 * Kafka would have delivered, without encoding and validating them a second time).
 */
export function inProcessPublisher(processBatch: BatchProcessor) {
  const totals: BatchOutcome = { accepted: 0, duplicates: 0, deadLetters: 0 };
  const publisher: EventPublisher = {
    async publish(events, deadLetters) {
      const outcome = await processBatch.decoded(events, deadLetters);
      totals.accepted += outcome.accepted;
      totals.duplicates += outcome.duplicates;
      totals.deadLetters += outcome.deadLetters;
    },
    ready: async () => true,
  };
  return { publisher, totals };
}
