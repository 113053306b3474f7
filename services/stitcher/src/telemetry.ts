import { Counter, Gauge, Histogram, type Registry } from '@seamline/http';
import type { DeadLetter } from '@seamline/schemas';
import type { BatchOutcome, PartitionEventTime } from '@seamline/stitch';

/** What the stitcher reports to Prometheus: batches, their outcome and time, dead letters, lag. */
export function stitcherTelemetry(registry: Registry) {
  const batchMessages = new Histogram({
    name: 'seamline_stitcher_batch_messages',
    help: 'Messages per stitcher batch',
    buckets: [1, 10, 100, 500, 1000, 2500, 5000],
    registers: [registry],
  });
  const batchSeconds = new Histogram({
    name: 'seamline_stitcher_batch_seconds',
    help: 'Time to store a batch in ClickHouse, link identities and refresh journeys (insert latency)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const events = new Counter({
    name: 'seamline_stitcher_events_total',
    help: 'Messages processed by the stitcher, by result (stored, duplicate, dead_letter)',
    labelNames: ['result'],
    registers: [registry],
  });
  const deadLetters = new Counter({
    name: 'seamline_dead_letters_total',
    help: 'Dead letters stored, by source and failing field',
    labelNames: ['source', 'field'],
    registers: [registry],
  });
  const retries = new Counter({
    name: 'seamline_stitcher_batch_retries_total',
    help: 'Batches that failed (ClickHouse or Kafka away) and were tried again after a pause',
    registers: [registry],
  });
  const failing = new Gauge({
    name: 'seamline_stitcher_batch_failing',
    help: '1 while the batch in hand keeps failing and is being tried again, else 0',
    registers: [registry],
  });
  const lag = new Gauge({
    name: 'seamline_stitcher_consumer_lag',
    help: 'Messages of the topic not yet committed by the stitcher group',
    labelNames: ['topic'],
    registers: [registry],
  });
  const partitionLag = new Gauge({
    name: 'seamline_consumer_lag_messages',
    help: 'Messages of each topic partition not yet committed, by consumer group (the stitchers, and their linker)',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
  });
  // Newest occurredAt stored per topic partition; the lag is taken at each scrape, so it grows while nothing arrives.
  const newest = new Map<string, PartitionEventTime>();
  new Gauge({
    name: 'seamline_event_time_lag_seconds',
    help: 'Now minus the newest occurredAt this stitcher stored, per topic and partition',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      const now = Date.now();
      for (const { topic, partition, newestMs } of newest.values()) this.set({ topic, partition: String(partition) }, Math.max(0, (now - newestMs) / 1000));
    },
  });
  return {
    batch(messages: number, seconds: number, outcome: BatchOutcome, eventTimes: readonly PartitionEventTime[] = []) {
      for (const time of eventTimes) {
        const key = `${time.topic}\u0000${time.partition}`;
        if ((newest.get(key)?.newestMs ?? -Infinity) < time.newestMs) newest.set(key, { ...time });
      }
      batchMessages.observe(messages);
      batchSeconds.observe(seconds);
      events.inc({ result: 'stored' }, outcome.accepted);
      events.inc({ result: 'duplicate' }, outcome.duplicates);
      events.inc({ result: 'dead_letter' }, outcome.deadLetters);
    },
    deadLetters(letters: readonly DeadLetter[]) {
      // The field, not the reason text: reasons carry values and line numbers, fields are few.
      for (const letter of letters) deadLetters.inc({ source: letter.source.replace(/^file:.*/, 'file'), field: letter.path || '(payload)' });
    },
    retry() {
      retries.inc();
      failing.set(1);
    },
    recovered() {
      failing.set(0);
    },
    lag(topic: string, messages: number) {
      lag.set({ topic }, messages);
    },
    partitionLag(group: string, topic: string, partitions: readonly { partition: number; lag: number }[]) {
      for (const { partition, lag: messages } of partitions) partitionLag.set({ group, topic, partition: String(partition) }, messages);
    },
  };
}

export type StitcherTelemetry = ReturnType<typeof stitcherTelemetry>;
