import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLines, type Line } from './lines.ts';

async function collect(chunks: Array<string | Buffer>, max: number, keep?: number): Promise<Line[]> {
  const lines: Line[] = [];
  for await (const line of readLines(Readable.from(chunks.map((c) => Buffer.from(c))), max, keep)) lines.push(line);
  return lines;
}

describe('readLines', () => {
  it('splits on \\n and \\r\\n, keeps a last line without a newline, and numbers lines from 1', async () => {
    const lines = await collect(['{"a":1}\r\n{"b"', ':2}\n\n{"c":3}'], 100);
    expect(lines.map((l) => [l.number, l.text])).toEqual([
      [1, '{"a":1}'],
      [2, '{"b":2}'],
      [3, ''],
      [4, '{"c":3}'],
    ]);
  });

  it('reports a line over the limit with its start and length, without keeping the rest', async () => {
    const lines = await collect(['ok\n', 'x'.repeat(30), 'y'.repeat(30), '\nafter'], 50, 8);
    expect(lines).toEqual([
      { number: 1, text: 'ok', bytes: 2 },
      { number: 2, text: '', bytes: 60, tooLong: { start: 'xxxxxxxx' } },
      { number: 3, text: 'after', bytes: 5 },
    ]);
  });

  it('gives the lines readline gives however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '')), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 10 }), async (lines, cuts) => {
        const bytes = Buffer.from(lines.join('\n'));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, bytes.length].slice(1).map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
        const read = await collect(chunks.filter((c) => c.length > 0), 1_000);
        // As readline: a file ending in a newline has no empty last line.
        const expected = lines.join('\n').split('\n');
        if (expected.at(-1) === '') expected.pop();
        expect(read.map((l) => l.text)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});
