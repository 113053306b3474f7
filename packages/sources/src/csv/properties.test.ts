import { Readable } from 'node:stream';
import { validateCanonicalEvent } from '@seamline/schemas';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Translation } from '../adapter.ts';
import { csvAdapter, normaliseLineBreaks } from './record.ts';
import { csvRowsToEvents, type CsvRowEntry } from './rows.ts';
import { csvRowsToEventsStream } from './stream.ts';
import { LEGACY_CRM_CSV, LEGACY_CRM_MAPPING } from './test-fixtures.ts';

// 10,000 cases each with `npm run test:faults`.
const RUNS = { numRuns: process.env.SEAMLINE_FAULTS === 'full' ? 10_000 : 1_000 };
const HEADER = LEGACY_CRM_CSV.split('\n')[0] ?? '';
const COLUMNS = HEADER.split(',');

function expectOneOutcome(translation: Translation): void {
  if (translation.ok) expect(Object.keys(translation).sort()).toEqual(['events', 'ok']);
  else {
    expect(translation.reason).toMatch(/\S/);
    expect(Object.keys(translation).sort()).toEqual(['ok', 'path', 'reason']);
  }
}

/** Text made of what breaks CSV readers: quotes, delimiters, every line break, a BOM, and some plausible cells. */
const csvTextArb = fc.oneof(
  fc.array(
    fc.constantFrom('a', '1', ' ', ',', ',', '"', '"', '""', '\n', '\n', '\r', '\r\n', '\uFEFF', 'é', '😀', 'opened', '2026-03-01 10:00', 'x@example.com'),
    { maxLength: 80 },
  ).map((parts) => parts.join('')),
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
).chain((body) => fc.constantFrom(body, `${HEADER}\n${body}`, `${HEADER}\r\n${body}`));

function expectWellFormedEntries(entries: CsvRowEntry[]): void {
  let previous = 1;
  for (const entry of entries) {
    expect(entry.line).toBeGreaterThan(previous);
    previous = entry.line;
    expectOneOutcome(entry.translation);
    if (entry.translation.ok) expect(entry.record).toBeDefined();
    for (const event of entry.translation.ok ? entry.translation.events : []) {
      expect(validateCanonicalEvent(event).ok).toBe(true);
    }
  }
}

async function streamed(text: string): Promise<CsvRowEntry[]> {
  const entries: CsvRowEntry[] = [];
  const input = Readable.from([...Buffer.from(text)].map((byte) => Buffer.of(byte)));
  for await (const entry of csvRowsToEventsStream(input, LEGACY_CRM_MAPPING)) entries.push(entry);
  return entries;
}

/** A cell quoted the way a careful writer quotes it: only when it holds a delimiter, a quote or a line break. */
const quote = (cell: string): string => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const cellArb = fc.string({ unit: fc.constantFrom('a', 'Z', '7', ' ', ',', '"', '\n', '\r\n', 'ü', '-', ':'), maxLength: 12 });
const tableArb = fc.record({
  rows: fc.array(fc.array(cellArb, { minLength: COLUMNS.length, maxLength: COLUMNS.length }), { maxLength: 12 }),
  lineBreak: fc.constantFrom('\n', '\r\n'),
});

describe('csv import properties', () => {
  it('never throws on random text and gives well-formed entries in line order', () => {
    fc.assert(
      fc.property(csvTextArb, (text) => expectWellFormedEntries(csvRowsToEvents(text, LEGACY_CRM_MAPPING))),
      RUNS,
    );
  });

  it('streams the same entries as it reads in one piece, for random text fed byte by byte', async () => {
    await fc.assert(
      fc.asyncProperty(csvTextArb, async (text) => {
        expect(await streamed(text)).toEqual(csvRowsToEvents(text, LEGACY_CRM_MAPPING));
      }),
      RUNS,
    );
  });

  it('gives exactly one entry per written row, at its line, with its cells', () => {
    fc.assert(
      fc.property(tableArb, ({ rows, lineBreak }) => {
        const text = [HEADER, ...rows.map((cells) => cells.map(quote).join(','))].join(lineBreak);
        const entries = csvRowsToEvents(text, LEGACY_CRM_MAPPING);
        expect(entries).toHaveLength(rows.length);
        let line = 2;
        rows.forEach((cells, index) => {
          const entry = entries[index];
          expect(entry?.line).toBe(line);
          expect(entry?.record).toEqual(Object.fromEntries(COLUMNS.map((column, at) => [column, normaliseLineBreaks(cells[at] ?? '')])));
          line += 1 + cells.reduce((breaks, cell) => breaks + (normaliseLineBreaks(cell).match(/\n/g)?.length ?? 0), 0);
        });
      }),
      RUNS,
    );
  });

  it('never throws when replaying arbitrary values as a row, and accepts only valid events', () => {
    const rowArb = fc.oneof(
      fc.anything(),
      fc.dictionary(fc.constantFrom(...COLUMNS, 'other'), fc.oneof(fc.string(), fc.constantFrom('opened', '2026-03-01 10:00', 'a@example.com'))),
    );
    fc.assert(
      fc.property(rowArb, (row) => {
        const translation = csvAdapter.translate(row, LEGACY_CRM_MAPPING);
        expectOneOutcome(translation);
        for (const event of translation.ok ? translation.events : []) expect(validateCanonicalEvent(event).ok).toBe(true);
      }),
      RUNS,
    );
  });
});
