import { identifierKeys, type CanonicalEvent, type DeadLetter } from '@seamline/schemas';

/**
 * How events and dead letters travel on Kafka: JSON values, events keyed by one customer
 * identifier so one customer's events share a partition.
 */
export function eventMessage(event: CanonicalEvent): { key: string; value: string } {
  return { key: identifierKeys(event.customer)[0] ?? event.id, value: JSON.stringify(event) };
}

export function deadLetterMessage(letter: DeadLetter): { key: string; value: string } {
  return { key: letter.source, value: JSON.stringify(letter) };
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  timestamp: string;
}

/** A batch whose handler has prepared it and started its writes: the next batch may begin. */
export interface StagedWrite {
  /** Settles once every write the batch needs is acknowledged; its offsets are committed then. */
  written: Promise<void>;
}

/**
 * The work done for one batch. Resolving with nothing means the batch is done: every write it
 * needs is acknowledged. Resolving with a StagedWrite lets the loop hand over the next batch while
 * this one is written; the handler then must write the batches in the order it got them, and a
 * batch whose predecessor's write failed must fail without writing.
 */
export type BatchHandler = (messages: IncomingMessage[]) => Promise<void | StagedWrite>;
