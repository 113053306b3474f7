import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { takeIn, type EventPublisher, type RawItem } from '@seamline/ingest';

export interface IngestCounts {
  accepted: number;
  duplicates: number;
  deadLetters: number;
}

const BATCH_LINES = 10_000;

/**
 * Streams an NDJSON file through ingest's validation in batches and hands each batch to the
 * publisher. Returns the duplicates found within batches; the publisher counts the rest.
 */
export async function ingestNdjsonFile(
  file: string,
  publisher: EventPublisher,
  blockedIdentifiers: readonly string[],
  onProgress: (bytesRead: number, totalBytes: number) => void = () => {},
): Promise<{ batchDuplicates: number }> {
  const totalBytes = statSync(file).size;
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let batch: RawItem[] = [];
  let batchDuplicates = 0;
  let bytesRead = 0;
  let lineNumber = 0;
  // One batch is processed while the next is read and validated: reading is JavaScript work,
  // and processing mostly waits for the store. Batches are still processed one after another.
  let processing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
    const intake = takeIn(batch, `file:${file}`, { blockedIdentifiers });
    batchDuplicates += intake.items.filter((item) => item.status === 'duplicate').length;
    batch = [];
    const read = bytesRead;
    await processing;
    processing = publisher.publish(intake.events, intake.deadLetters).then(() => onProgress(read, totalBytes));
    // A failure must not wait for the next batch to surface as an unhandled rejection.
    processing.catch(() => {});
  };
  for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
    lineNumber += 1;
    bytesRead += Buffer.byteLength(line) + 1;
    const text = line.trim();
    if (text.length === 0) continue;
    try {
      batch.push({ value: JSON.parse(text) as unknown, text });
    } catch {
      batch.push({ parseError: `line ${lineNumber}: not valid JSON`, text });
    }
    if (batch.length >= BATCH_LINES) await flush();
  }
  await flush();
  await processing;
  onProgress(totalBytes, totalBytes);
  return { batchDuplicates };
}
