import { pipeline, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { Parser, type Options } from 'csv-parse';
import type { CsvMapping } from './mapping.ts';
import {
  csvParseOptions,
  describeParseError,
  placeRaw,
  prepareCsvText,
  readCsvItems,
  withoutBom,
  type CsvItem,
  type RawRecord,
} from './reader.ts';
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
  pipeline(Readable.from(preparedText(input)), parser, () => {
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

/**
 * The input as text with one kind of line break, as csvRowsToEvents reads it: a lone CR in a file
 * that otherwise uses LF must end a row in both, or the two would disagree about rows and ids.
 */
async function* preparedText(input: AsyncIterable<string | Uint8Array>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let carried = '';
  let atStart = true;
  const prepare = (text: string): string => {
    let joined = carried + text;
    if (atStart && joined !== '') {
      atStart = false;
      joined = withoutBom(joined);
    }
    // A CR may be the first half of a CRLF, a high surrogate the first half of a pair: both may
    // be completed by the next chunk, so they wait for it.
    carried = /[\r\uD800-\uDBFF]$/.test(joined) ? joined.slice(-1) : '';
    return prepareCsvText(joined.slice(0, joined.length - carried.length));
  };
  for await (const chunk of input) {
    const prepared = prepare(typeof chunk === 'string' ? decoder.end() + chunk : decoder.write(chunk));
    if (prepared) yield prepared;
  }
  const tail = prepare(decoder.end()) + prepareCsvText(carried);
  if (tail) yield tail;
}

function itemsOf(output: ParserOutput, body: string, line: number, delimiter: string): CsvItem[] {
  if (output.kind === 'record') return [{ line, raw: body, cells: output.record }];
  const end = body.indexOf('\n');
  const broken: CsvItem = { line, raw: end < 0 ? body : body.slice(0, end), problem: output.problem };
  return end < 0 ? [broken] : readCsvItems(body.slice(end + 1), delimiter, line + 1, [broken]);
}
