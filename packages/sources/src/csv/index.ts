export {
  csvMappingSchema,
  parseCsvMapping,
  type CsvMapping,
  type CsvMappingInput,
} from './mapping.ts';
export { CSV_SOURCE, csvAdapter, rowDigest, translateCsvRecord, type CsvRecord } from './record.ts';
export { csvRowsToEvents, type CsvRowEntry } from './rows.ts';
export { csvRowsToEventsStream } from './stream.ts';
export { isTimeZone, parseCsvTimestamp, type TimestampParse } from './timestamp.ts';
