import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { generateEvents, type GenerateOptions } from './generate.ts';
import { sampleOrgMap } from './org.ts';

export interface WriteSampleOptions extends GenerateOptions {
  /** Created if missing; receives events.ndjson and org.json. */
  outDir: string;
  /** Called with the number of events written so far, every PROGRESS_EVERY events and at the end. */
  onProgress?: (written: number) => void;
}

export interface SampleFiles {
  eventsFile: string;
  orgMapFile: string;
  /** How many events eventsFile holds. */
  events: number;
}

export const PROGRESS_EVERY = 10_000;
// One write() per line would cost more than generating the line: lines go out in chunks, and the
// stream buffers a few chunks before it asks the generator to wait for 'drain'.
const CHUNK_CHARS = 256 * 1024;
const STREAM_BUFFER_BYTES = 1024 * 1024;

/** Writes the sample organisation's org map and `events` events, streaming: memory stays flat. */
export async function writeSample(options: WriteSampleOptions): Promise<SampleFiles> {
  const { outDir, onProgress, ...generate } = options;
  const events = generateEvents(generate);
  await mkdir(outDir, { recursive: true });
  const orgMapFile = join(outDir, 'org.json');
  await writeFile(orgMapFile, `${JSON.stringify(sampleOrgMap(), null, 2)}\n`);

  const eventsFile = join(outDir, 'events.ndjson');
  const out = createWriteStream(eventsFile, { highWaterMark: STREAM_BUFFER_BYTES });
  // An error surfaces through out.errored, the awaited 'drain' or finished(); this listener only
  // keeps it from being thrown as an unhandled 'error' event in between.
  out.on('error', () => {});
  const flush = async (chunk: string): Promise<void> => {
    if (out.errored) throw out.errored;
    if (!out.write(chunk)) await once(out, 'drain');
  };

  let written = 0;
  let chunk = '';
  for (const event of events) {
    chunk += `${JSON.stringify(event)}\n`;
    written += 1;
    if (chunk.length >= CHUNK_CHARS) {
      await flush(chunk);
      chunk = '';
    }
    if (written % PROGRESS_EVERY === 0) onProgress?.(written);
  }
  if (chunk.length > 0) await flush(chunk);
  out.end();
  await finished(out);
  if (written % PROGRESS_EVERY !== 0) onProgress?.(written);
  return { eventsFile, orgMapFile, events: written };
}
