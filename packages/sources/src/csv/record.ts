import { createHash } from 'node:crypto';
import { validateCanonicalEvent, type CanonicalEventInput } from '@seamline/schemas';
import { z } from 'zod';
import { rejected, type SourceAdapter, type Translation } from '../adapter.ts';
import { CUSTOMER_FIELDS, type CsvMapping } from './mapping.ts';
import { parseCsvTimestamp } from './timestamp.ts';

/** The adapter's name in dead letters; events carry the source the mapping names. */
export const CSV_SOURCE = 'csv';

/** One CSV row by column name: what csvRowsToEvents builds and what a dead letter of a row keeps. */
export type CsvRecord = Readonly<Record<string, string>>;

/** One form of line break, so a file saved on Windows gives the same cells, events and ids. */
export const normaliseLineBreaks = (text: string): string => text.replace(/\r\n?/g, '\n');

/** Own keys only: a cell reading "constructor" must not find Object.prototype in a value map. */
const own = <T>(map: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.hasOwn(map, key) ? map[key] : undefined;

const clip = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);

interface FieldValue {
  value: string;
  /** The column the value came from; absent for a constant. */
  column?: string;
}

/** A field's value: the mapped cell (through the value map) when not empty, else the constant. */
function fieldReader(record: CsvRecord, mapping: CsvMapping) {
  return (field: string): FieldValue | undefined => {
    const column = own(mapping.columns, field);
    const cell = column === undefined ? '' : normaliseLineBreaks(own(record, column) ?? '').trim();
    if (column !== undefined && cell !== '') {
      const valueMap = own(mapping.values, field);
      return { value: (valueMap && own(valueMap, cell)) ?? cell, column };
    }
    const constant = own(mapping.constants, field);
    return constant === undefined ? undefined : { value: constant };
  };
}

/**
 * Without an id column a row is identified by its content: sha256 over its cells, sorted by
 * column name. A file imported twice then gives the same ids, and a dead-lettered row replayed as
 * a record gets the id it would have had on import (the raw line's quoting is not kept in a record).
 */
export function rowDigest(record: CsvRecord): string {
  const cells = Object.keys(record)
    .sort()
    .map((column) => [column, normaliseLineBreaks(record[column] ?? '')]);
  return createHash('sha256').update(JSON.stringify(cells)).digest('hex');
}

const SIMPLE_FIELDS = ['type', 'source', 'contactId', 'queue', 'agent', 'channel', 'direction', 'reason'] as const;

/** Translates one row into a canonical event, or says which column holds what is wrong. */
export function translateCsvRecord(record: CsvRecord, mapping: CsvMapping): Translation {
  const missing = Object.entries(mapping.columns).filter(([, column]) => !Object.hasOwn(record, column));
  const firstMissing = missing[0];
  if (firstMissing) {
    const names = [...new Set(missing.map(([, column]) => `"${column}"`))].join(', ');
    return rejected(`the header has no column ${names}, which the mapping names`, firstMissing[0]);
  }
  const read = fieldReader(record, mapping);
  const simple = Object.fromEntries(
    SIMPLE_FIELDS.flatMap((field) => {
      const found = read(field);
      return found ? [[field, found.value]] : [];
    }),
  );
  const time = read('occurredAt');
  if (!time) return rejected(`occurredAt: column "${mapping.columns.occurredAt}" is empty`, 'occurredAt');
  const occurredAt = parseCsvTimestamp(time.value, mapping.timezone);
  if (!occurredAt.ok) {
    return rejected(`occurredAt: column "${time.column}" has "${clip(time.value)}": ${occurredAt.why}`, 'occurredAt');
  }
  const customer = Object.fromEntries(
    CUSTOMER_FIELDS.flatMap((field) => {
      const found = read(field);
      return found ? [[field.slice('customer.'.length), found.value]] : [];
    }),
  );
  const attributeFields = new Set(
    [...Object.keys(mapping.columns), ...Object.keys(mapping.constants)].filter((field) => field.startsWith('attributes.')),
  );
  const attributes = Object.fromEntries(
    [...attributeFields].flatMap((field) => {
      const found = read(field);
      return found ? [[field.slice('attributes.'.length), found.value]] : [];
    }),
  );
  const idCell = read('id');
  const { type, source, ...rest } = simple;
  const event = {
    id: idCell && source ? `${source}-${idCell.value}` : `${CSV_SOURCE}-${rowDigest(record)}`,
    type,
    occurredAt: occurredAt.iso,
    source,
    customer,
    ...rest,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
  // Blocked values are the pipeline's policy, applied when it validates; here only the shape counts.
  const validation = validateCanonicalEvent(event, { blockedIdentifiers: [] });
  if (!validation.ok) {
    const { reason, path } = validation.rejection;
    return rejected(`${reason}${columnHint(path, record, mapping)}`, path);
  }
  // validateCanonicalEvent accepted exactly this object, so it is a canonical event input.
  return { ok: true, events: [event as CanonicalEventInput] };
}

/** Where a failing field came from, so the person fixing the file knows which cell to look at. */
function columnHint(path: string, record: CsvRecord, mapping: CsvMapping): string {
  const fields = path === 'customer' ? [...CUSTOMER_FIELDS] : [path];
  const columns = fields.flatMap((field) => {
    const column = own(mapping.columns, field);
    return column === undefined ? [] : [`column "${column}" has "${clip(own(record, column) ?? '')}"`];
  });
  if (columns.length > 0) return ` (${columns.join(', ')})`;
  return own(mapping.constants, path) === undefined ? '' : ` (constants.${path})`;
}

const csvRecordSchema = z.record(z.string(), z.string());

/**
 * Translates one already-parsed row ({ column: cell }), as a dead-lettered row is replayed once
 * the mapping or the data is fixed.
 */
export const csvAdapter: SourceAdapter<CsvMapping> = {
  source: CSV_SOURCE,
  translate(payload, mapping) {
    const parsed = csvRecordSchema.safeParse(payload);
    if (!parsed.success) {
      const path = (parsed.error.issues[0]?.path ?? []).map(String).join('.');
      return rejected(`a CSV row must be an object of column name to cell text${path ? ` (at ${path})` : ''}`, path);
    }
    return translateCsvRecord(parsed.data, mapping);
  },
};
