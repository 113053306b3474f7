import { pipeline, Readable } from 'node:stream';
import { Parser, type Options } from 'csv-parse';
import type { CsvMapping } from './mapping.ts';
import { csvParseOptions, describeParseError, placeRaw, readCsvItems, type CsvItem, type RawRecord } from './reader.ts';
import { createRowTranslator, type CsvRowEntry } from './rows.ts';

type ParserOutput = ({ kind: 'record' } & RawRecord) | { kind: 'unreadable'; problem: string; raw: string };

/**
 * csvRowsToEvents for files too big to hold in memory: the same entries, in order, while the
 * file is read. Memory stays flat because csv-parse's stream applies backpressure to the input.
 * The one exception: a quote that is never closed makes csv-parse buffer the rest of the file,
 * which is then read again from the line after the quote, as csvRowsToEvents does.
 * Reading errors of the input itself (a file that vanished) are thrown; bad rows never are.
 */
export async function* csvRowsToEventsStream(
  input: Readable | AsyncIterable<string | Uint8Array>,
  mapping: CsvMapping,
): AsyncGenerator<CsvRowEntry> {
  const translateRow = createRowTranslator(mapping);
  const options: Options<ParserOutput, RawRecord> = {
    ...csvParseOptions(mapping.delimiter),
    on_record: (record) => ({ kind: 'record', ...record }),
    // Pushed into the parser's own output, so a skip arrives in order with the records around it.
    on_skip: (error, raw) => {
      parser.push({ kind: 'unreadable', problem: describeParseError(error), raw: raw ?? '' } satisfies ParserOutput);
    },
  };
  // csv-parse types Parser with its default record type only; `options` above is checked as it runs.
  const parser = new Parser(options as unknown as Options);
  pipeline(input instanceof Readable ? input : Readable.from(input), parser, () => {
    // errors reach the consumer through the iteration below
  });
  let line = 1;
  for await (const output of parser as AsyncIterable<ParserOutput>) {
    const placed = placeRaw(output.raw);
    const start = line + placed.leading;
    line += placed.breaks;
    for (const item of itemsOf(output, placed.body, start, mapping.delimiter)) {
      const entry = translateRow(item);
      if (entry) yield entry;
    }
  }
}

function itemsOf(output: ParserOutput, body: string, line: number, delimiter: string): CsvItem[] {
  if (output.kind === 'record') return [{ line, raw: body, cells: output.record }];
  const end = body.indexOf('\n');
  const broken: CsvItem = { line, raw: end < 0 ? body : body.slice(0, end), problem: output.problem };
  return end < 0 ? [broken] : readCsvItems(body.slice(end + 1), delimiter, line + 1, [broken]);
}
