import { rejected, type Translation } from '../adapter.ts';
import type { CsvMapping } from './mapping.ts';
import { prepareCsvText, readCsvItems, withoutBom, type CsvItem } from './reader.ts';
import { normaliseLineBreaks, translateCsvRecord, type CsvRecord } from './record.ts';

/** What became of one data row of a CSV file. */
export interface CsvRowEntry {
  /** Line of the file where the row starts (the header is line 1 unless empty lines precede it). */
  line: number;
  /** The row's text as the file holds it, without its line break. */
  raw: string;
  /** The row by column name, when it could be read: what a dead letter keeps for csvAdapter replay. */
  record?: CsvRecord;
  translation: Translation;
}

/**
 * Turns the items of one file into row entries: the first item is the header, every later one
 * a data row. A problem with the header (unreadable, a mapped column named twice) rejects every
 * row with that reason, so the whole file shows up in the dead letters rather than vanishing.
 */
export function createRowTranslator(mapping: CsvMapping): (item: CsvItem) => CsvRowEntry | undefined {
  let header: { columns: string[] } | { problem: string } | undefined;
  return (item) => {
    if (header === undefined) {
      header =
        'problem' in item
          ? { problem: `the header row (line ${item.line}) cannot be read: ${item.problem}` }
          : headerOf(item.cells, mapping);
      return undefined;
    }
    const { line, raw } = item;
    if ('problem' in header) return { line, raw, translation: rejected(header.problem) };
    if ('problem' in item) return { line, raw, translation: rejected(item.problem) };
    const { columns } = header;
    if (item.cells.length !== columns.length) {
      const reason = `expected ${columns.length} columns as in the header, found ${item.cells.length}`;
      return { line, raw, translation: rejected(reason) };
    }
    const record = Object.fromEntries(columns.map((name, index) => [name, normaliseLineBreaks(item.cells[index] ?? '')]));
    return { line, raw, record, translation: translateCsvRecord(record, mapping) };
  };
}

function headerOf(cells: readonly string[], mapping: CsvMapping): { columns: string[] } | { problem: string } {
  const columns = cells.map((name) => name.trim());
  const mapped = new Set(Object.values(mapping.columns));
  const duplicate = columns.find((name, index) => mapped.has(name) && columns.indexOf(name) !== index);
  return duplicate === undefined ? { columns } : { problem: `column "${duplicate}" appears twice in the header` };
}

/**
 * One entry per data row of a CSV file with a header row. Never throws and never rejects the file
 * as a whole: a row that cannot be read or has the wrong number of columns is a rejected entry
 * with its line number, and the rows around it are translated as usual.
 */
export function csvRowsToEvents(csvText: string, mapping: CsvMapping): CsvRowEntry[] {
  const translateRow = createRowTranslator(mapping);
  const entries: CsvRowEntry[] = [];
  for (const item of readCsvItems(withoutBom(prepareCsvText(csvText)), mapping.delimiter)) {
    const entry = translateRow(item);
    if (entry) entries.push(entry);
  }
  return entries;
}
