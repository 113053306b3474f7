import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { csvRowsToEvents, type CsvRowEntry } from './rows.ts';
import { csvRowsToEventsStream } from './stream.ts';
import { LEGACY_CRM_CSV, LEGACY_CRM_MAPPING } from './test-fixtures.ts';

async function collect(input: AsyncIterable<string | Uint8Array>): Promise<CsvRowEntry[]> {
  const entries: CsvRowEntry[] = [];
  for await (const entry of csvRowsToEventsStream(input, LEGACY_CRM_MAPPING)) entries.push(entry);
  return entries;
}

/** The text in chunks of `size` bytes, so records, quotes and line breaks straddle chunk ends. */
function chunked(text: string, size: number): Readable {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return Readable.from(chunks);
}

describe('csvRowsToEventsStream', () => {
  it('gives the same entries as csvRowsToEvents, however the file is chunked', async () => {
    const expected = csvRowsToEvents(LEGACY_CRM_CSV, LEGACY_CRM_MAPPING);
    for (const size of [1, 2, 7, 64, 100_000]) expect(await collect(chunked(LEGACY_CRM_CSV, size))).toEqual(expected);
  });

  it('gives the same entries for a file with Windows line breaks and a BOM', async () => {
    const windows = `\uFEFF${LEGACY_CRM_CSV.replace(/\n/g, '\r\n')}`;
    expect(await collect(chunked(windows, 5))).toEqual(csvRowsToEvents(LEGACY_CRM_CSV, LEGACY_CRM_MAPPING));
  });

  it('rejects only the line of a quote that is never closed and reads on after it', async () => {
    const header = LEGACY_CRM_CSV.split('\n')[0];
    const good = 'e-1,opened,2026-03-01T10:00:00Z,a@example.com,,,c-1,Q,email,,';
    const text = [header, '"e-2,opened', good, good.replace('e-1', 'e-3')].join('\n');
    const entries = await collect(chunked(text, 3));
    expect(entries).toEqual(csvRowsToEvents(text, LEGACY_CRM_MAPPING));
    expect(entries.map((entry) => [entry.line, entry.translation.ok])).toEqual([
      [2, false],
      [3, true],
      [4, true],
    ]);
  });

  it('reads rows as they come, without waiting for the end of the input', async () => {
    const header = LEGACY_CRM_CSV.split('\n')[0];
    async function* endless(): AsyncGenerator<string> {
      yield `${header}\n`;
      for (let row = 0; ; row += 1) yield `e-${row},opened,2026-03-01T10:00:00Z,a@example.com,,,c-1,Q,email,,\n`;
    }
    const firstIds: string[] = [];
    for await (const entry of csvRowsToEventsStream(endless(), LEGACY_CRM_MAPPING)) {
      if (entry.translation.ok) firstIds.push(entry.translation.events[0]?.id ?? '');
      if (firstIds.length === 3) break;
    }
    expect(firstIds).toEqual(['legacy-crm-e-0', 'legacy-crm-e-1', 'legacy-crm-e-2']);
  });
});
