import { parse, type CsvError } from 'csv-parse/sync';
import { normaliseLineBreaks } from './record.ts';

/** One record as the file holds it, or a line csv-parse could not read, with its first line number. */
export type CsvItem =
  | { line: number; raw: string; cells: string[] }
  | { line: number; raw: string; problem: string };

/** What csv-parse hands on_record when `raw` is on. */
export interface RawRecord {
  record: string[];
  raw: string;
}

/**
 * Lenient about stray quotes inside a field (`15" screen`), strict about shape: the caller checks
 * each row's column count, so one bad row never stops the file. The one error left, a quote that
 * is never closed, goes to on_skip instead of aborting the parse (skip_records_with_error).
 */
export function csvParseOptions(delimiter: string) {
  return {
    bom: false,
    delimiter,
    raw: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
  } as const;
}

export function describeParseError(error: CsvError | undefined): string {
  if (error?.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field opened on this line is never closed';
  return `unreadable CSV: ${error?.message ?? 'unknown error'}`;
}

/** How one raw record sits in the file: empty lines before it, its text, the line breaks it spans. */
export function placeRaw(raw: string): { leading: number; body: string; breaks: number } {
  const text = normaliseLineBreaks(raw);
  const leading = text.length - text.replace(/^\n+/, '').length;
  const body = text.slice(leading).replace(/\n$/, '');
  let breaks = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) breaks += 1;
  return { leading, body, breaks };
}

/** Thrown from on_skip to stop csv-parse at the record it could not read. */
const STOP = Symbol('stop at the unreadable record');

interface Stop {
  /** Offset in the text where the unreadable record starts. */
  offset: number;
  line: number;
  problem: string;
}

/** Parses `text` into `items` until a record cannot be read, and says where that record starts. */
function readUntilStop(text: string, delimiter: string, firstLine: number, items: CsvItem[]): Stop | undefined {
  let offset = 0;
  let line = firstLine;
  let stop: Stop | undefined;
  const stopAt = (pending: string, problem: string): Stop => {
    const leading = pending.length - pending.replace(/^\n+/, '').length;
    return { offset: offset + leading, line: line + leading, problem };
  };
  try {
    parse(text, {
      ...csvParseOptions(delimiter),
      // With line breaks normalised, the raw records laid end to end are the text itself.
      on_record: (record: unknown) => {
        const { record: cells, raw } = record as RawRecord;
        const placed = placeRaw(raw);
        items.push({ line: line + placed.leading, raw: placed.body, cells });
        offset += raw.length;
        line += placed.breaks;
        return null;
      },
      on_skip: (error, raw) => {
        stop = stopAt(raw ?? '', describeParseError(error));
        throw STOP;
      },
    });
  } catch (error) {
    if (error !== STOP) stop = stopAt(text.slice(offset, offset + 1000), describeParseError(error as CsvError));
  }
  return stop;
}

/**
 * Reads every record of `text` (line breaks already normalised, no BOM). A record csv-parse cannot
 * read (a quote never closed would swallow the rest of the file) costs only its first line: that
 * line becomes a rejected item and reading goes on with the next one.
 */
export function readCsvItems(text: string, delimiter: string, firstLine = 1, items: CsvItem[] = []): CsvItem[] {
  let rest = text;
  let line = firstLine;
  for (;;) {
    const stop = readUntilStop(rest, delimiter, line, items);
    if (!stop) return items;
    const end = rest.indexOf('\n', stop.offset);
    items.push({ line: stop.line, raw: rest.slice(stop.offset, end < 0 ? undefined : end), problem: stop.problem });
    if (end < 0) return items;
    rest = rest.slice(end + 1);
    line = stop.line + 1;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text csv-parse reads: one kind of line break, and U+FFFD for a lone surrogate as csv-parse's
 * UTF-8 round trip would make it, so raw rows and the text around them agree character for
 * character. Both readers drop one leading byte order mark themselves (csv-parse's `bom` is off).
 */
export const prepareCsvText = (text: string): string => normaliseLineBreaks(text).replace(LONE_SURROGATE, '\uFFFD');

export const withoutBom = (text: string): string => (text.startsWith('\uFEFF') ? text.slice(1) : text);
