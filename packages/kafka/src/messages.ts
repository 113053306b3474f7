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
