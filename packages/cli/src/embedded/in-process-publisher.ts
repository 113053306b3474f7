import type { EventPublisher } from '@seamline/ingest-api';
import type { CanonicalEvent, DeadLetter } from '@seamline/schemas';
import type { BatchOutcome, BatchProcessor } from '@seamline/stitch';

/** A publisher that can also hand over a batch before the one before it is written (bulk ingest). */
export interface StagingPublisher extends EventPublisher {
  /** Resolves once the batch is prepared, with a promise that settles once it is written. */
  stage(events: CanonicalEvent[], deadLetters: DeadLetter[]): Promise<{ written: Promise<void> }>;
}

/**
 * The embedded mode's transport: instead of producing to Kafka, hand each batch ingest
 * validated to the stitcher's processor in this process (the same processing as the messages
 * Kafka would have delivered, without encoding and validating them a second time).
 */
export function inProcessPublisher(processBatch: BatchProcessor) {
  const totals: BatchOutcome = { accepted: 0, duplicates: 0, deadLetters: 0 };
  const count = (outcome: BatchOutcome) => {
    totals.accepted += outcome.accepted;
    totals.duplicates += outcome.duplicates;
    totals.deadLetters += outcome.deadLetters;
  };
  const publisher: StagingPublisher = {
    /** Resolves once the batch is written. */
    async publish(events, deadLetters) {
      count(await processBatch.decoded(events, deadLetters));
    },
    async stage(events, deadLetters) {
      const staged = await processBatch.stagedDecoded(events, deadLetters);
      return { written: staged.written.then(() => count(staged.outcome)) };
    },
    ready: async () => true,
  };
  return { publisher, totals };
}
