import type { Readable } from 'node:stream';

/** One line of a text file; `text` is empty and `bytes` the full length when it was too long to keep. */
export interface Line {
  number: number;
  text: string;
  bytes: number;
  /** The line's start when it is longer than the limit (its rest was read and counted, not kept). */
  tooLong?: { start: string };
}

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines without holding a line longer than `maxLineBytes`: such a
 * line is read to its end and reported with its start and length, so a file with one endless
 * line cannot exhaust memory. Accepts "\n" and "\r\n".
 */
export async function* readLines(stream: Readable, maxLineBytes: number, keepBytes = 1 << 20): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let skipped = 0;
  let number = 0;
  const finish = (): Line => {
    number += 1;
    let bytes = Buffer.concat(parts, partBytes);
    if (bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    const line: Line =
      skipped > 0
        ? { number, text: '', bytes: partBytes + skipped, tooLong: { start: bytes.subarray(0, keepBytes).toString('utf8') } }
        : { number, text: bytes.toString('utf8'), bytes: bytes.length };
    parts = [];
    partBytes = 0;
    skipped = 0;
    return line;
  };
  const take = (chunk: Buffer) => {
    const room = skipped > 0 ? 0 : maxLineBytes - partBytes;
    if (chunk.length <= room) {
      parts.push(chunk);
      partBytes += chunk.length;
      return;
    }
    // Over the limit: keep what is kept of its start, count the rest.
    if (room > 0) {
      parts.push(chunk.subarray(0, room));
      partBytes += room;
    }
    skipped += chunk.length - Math.max(room, 0);
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let from = 0;
    for (let at = chunk.indexOf(NEWLINE, from); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
      take(chunk.subarray(from, at));
      yield finish();
      from = at + 1;
    }
    if (from < chunk.length) take(chunk.subarray(from));
  }
  if (partBytes > 0 || skipped > 0) yield finish();
}
