import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { inputFileProblem } from '@seamline/config';
import { takeIn, type EventPublisher, type RawItem } from '@seamline/ingest-api';
import type { StagingPublisher } from './embedded/in-process-publisher.ts';
import { readLines } from './lines.ts';

export interface IngestCounts {
  accepted: number;
  duplicates: number;
  deadLetters: number;
}

const BATCH_LINES = 10_000;
/** The longest line taken as an event: as large as one HTTP request to ingest may be. */
export const MAX_LINE_BYTES = 10 << 20;

/**
 * Why `file` cannot be ingested as NDJSON, or undefined: it must be a readable regular file, and
 * text (NDJSON holds no NUL byte, so one in its first 64 KiB means a binary or compressed file).
 */
export function ndjsonFileProblem(file: string): string | undefined {
  const problem = inputFileProblem(file);
  if (problem) return problem;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const read = readSync(fd, head, 0, head.length, 0);
    if (head.subarray(0, read).includes(0)) return 'is not a text file (it holds NUL bytes; compressed or binary?); expected NDJSON, one JSON object per line';
  } finally {
    closeSync(fd);
  }
  return undefined;
}

/**
 * Streams an NDJSON file through ingest's validation in batches and hands each batch to the
 * publisher. Returns the duplicates found within batches; the publisher counts the rest.
 */
export async function ingestNdjsonFile(
  file: string,
  publisher: EventPublisher & Partial<Pick<StagingPublisher, 'stage'>>,
  blockedIdentifiers: readonly string[],
  onProgress: (bytesRead: number, totalBytes: number) => void = () => {},
): Promise<{ batchDuplicates: number }> {
  const totalBytes = statSync(file).size;
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  let batch: RawItem[] = [];
  let batchDuplicates = 0;
  let bytesRead = 0;
  // One batch is processed while the next is read and validated: reading is JavaScript work,
  // and processing mostly waits for the store. Batches are still processed one after another.
  // A publisher that stages (the embedded store) also prepares a batch while the one before it
  // is written: at most two in flight.
  let processing: Promise<void> = Promise.resolve();
  let lastWritten: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (batch.length === 0) return;
    const intake = takeIn(batch, `file:${file}`, { blockedIdentifiers });
    batchDuplicates += intake.items.filter((item) => item.status === 'duplicate').length;
    batch = [];
    const read = bytesRead;
    await processing;
    if (publisher.stage) {
      processing = publisher.stage(intake.events, intake.deadLetters).then(async ({ written }) => {
        const before = lastWritten;
        lastWritten = written.then(() => onProgress(read, totalBytes));
        lastWritten.catch(() => {});
        await before;
      });
    } else processing = publisher.publish(intake.events, intake.deadLetters).then(() => onProgress(read, totalBytes));
    // A failure must not wait for the next batch to surface as an unhandled rejection.
    processing.catch(() => {});
  };
  for await (const line of readLines(stream, MAX_LINE_BYTES)) {
    bytesRead += line.bytes + 1;
    if (line.tooLong) {
      batch.push({ parseError: `line ${line.number}: longer than ${MAX_LINE_BYTES} bytes (${line.bytes})`, text: line.tooLong.start });
    } else {
      const text = line.text.trim();
      if (text.length === 0) continue;
      try {
        batch.push({ value: JSON.parse(text) as unknown, text });
      } catch {
        batch.push({ parseError: `line ${line.number}: not valid JSON`, text });
      }
    }
    if (batch.length >= BATCH_LINES) await flush();
  }
  await flush();
  await processing;
  await lastWritten;
  onProgress(totalBytes, totalBytes);
  return { batchDuplicates };
}
