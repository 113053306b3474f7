import type { Order } from '@seamline/generator';
import { createEventProducer, eventMessage } from '@seamline/kafka';
import type { Kafka } from 'kafkajs';
import { epochMs, round1 } from './children.ts';
import { acceptedSample, take } from './sample.ts';

export interface ProduceReport {
  events: number;
  bytes: number;
  seconds: number;
  /** Events per second, generating and validating them in the same thread included. */
  rate: number;
  /** Of `seconds`, the time spent generating, validating and encoding the sample (the rest: the producer). */
  generateSeconds: number;
  batchSize: number;
}

const PRODUCE_BATCH = 5_000;
/** Sends waiting on the broker while the next batch is generated (the producer sends one request at a time). */
const SENDS_AHEAD = 2;

/**
 * Produces the accepted sample to a topic the way ingest does: ingest's producer (acks = all,
 * the default partitioner) and ingest's messages (eventMessage: keyed by a customer identifier).
 */
export async function produceSample(
  kafka: Kafka,
  topic: string,
  options: { events: number; seed: number; order?: Order; signal: AbortSignal; say: (line: string) => void },
): Promise<ProduceReport> {
  const producer = await createEventProducer(kafka);
  try {
    const sample = acceptedSample(options.events, options.seed, options.order);
    const started = epochMs();
    let lastSaid = started;
    let events = 0;
    let bytes = 0;
    let generateMs = 0;
    const inFlight: Array<Promise<void>> = [];
    for (;;) {
      options.signal.throwIfAborted();
      const generating = epochMs();
      const batch = take(sample, PRODUCE_BATCH).map(eventMessage);
      generateMs += epochMs() - generating;
      if (batch.length === 0) break;
      for (const message of batch) bytes += message.value.length;
      const sent = producer.send(topic, batch);
      // Awaited in turn below; a failure surfaces there, not as an unhandled rejection.
      sent.catch(() => {});
      inFlight.push(sent);
      events += batch.length;
      if (inFlight.length > SENDS_AHEAD) await inFlight.shift();
      if (epochMs() - lastSaid >= 10_000) {
        lastSaid = epochMs();
        options.say(`produced ${events} of ${options.events} events (${Math.round(events / ((lastSaid - started) / 1000))}/s)`);
      }
    }
    await Promise.all(inFlight);
    const seconds = (epochMs() - started) / 1000;
    return { events, bytes, seconds: round1(seconds), rate: Math.round(events / seconds), generateSeconds: round1(generateMs / 1000), batchSize: PRODUCE_BATCH };
  } finally {
    await producer.close();
  }
}

/** Messages in a topic (end minus start offsets, all partitions). */
export async function topicMessages(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes those of the topics that exist. */
export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = topics.filter((topic) => existing.has(topic));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
  } finally {
    await admin.disconnect();
  }
}
