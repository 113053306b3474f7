import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { isTimeZone } from './timestamp.ts';

/**
 * A CSV mapping file: which column feeds each canonical field, constants for fields the file
 * does not carry, and value maps that translate the file's words into canonical ones.
 */

export const CUSTOMER_FIELDS = ['customer.email', 'customer.phone', 'customer.billingId', 'customer.crmId', 'customer.sourceId'] as const;
const PLAIN_FIELDS = ['id', 'type', 'occurredAt', 'source', 'contactId', 'queue', 'agent', 'channel', 'direction', 'reason'];
const ATTRIBUTE_FIELD = /^attributes\.\S+$/;

/** A canonical field a column may feed: "type", "customer.email", "attributes.plan", ... */
const isColumnField = (field: string): boolean =>
  PLAIN_FIELDS.includes(field) || (CUSTOMER_FIELDS as readonly string[]).includes(field) || ATTRIBUTE_FIELD.test(field);

/**
 * Constants and value maps are for fields that describe the file, not the customer or the moment:
 * one constant customer id would merge every row into one customer, one constant time or id would
 * make every row the same event.
 */
const NOT_CONSTANT = new Set(['id', 'occurredAt', 'contactId', ...CUSTOMER_FIELDS]);
const NOT_VALUE_MAPPED = new Set(['id', 'occurredAt', ...CUSTOMER_FIELDS]);

const FIELD_LIST = [...PLAIN_FIELDS, ...CUSTOMER_FIELDS, 'attributes.<name>'].join(', ');

const fieldKey = (allowed: (field: string) => boolean, what: string) =>
  z.string().refine(allowed, { message: `not a field ${what} (fields: ${FIELD_LIST})` });

const UNSAFE_DELIMITERS = ['"', '\n', '\r'];

export const csvMappingSchema = z
  .strictObject({
    columns: z.record(fieldKey(isColumnField, 'a column can feed'), z.string().min(1, 'column name must not be empty')),
    constants: z
      .record(
        fieldKey((field) => isColumnField(field) && !NOT_CONSTANT.has(field), 'that may be a constant'),
        z.string().min(1, 'constant must not be empty'),
      )
      .default({}),
    values: z
      .record(
        fieldKey((field) => isColumnField(field) && !NOT_VALUE_MAPPED.has(field), 'whose values may be mapped'),
        z.record(z.string(), z.string().min(1, 'mapped value must not be empty')),
      )
      .default({}),
    delimiter: z
      .string()
      .length(1, 'must be one character')
      .refine((delimiter) => !UNSAFE_DELIMITERS.includes(delimiter), 'must not be a quote or a line break')
      .default(','),
    timezone: z
      .string()
      .refine(isTimeZone, 'not a timezone (expected a name such as "Europe/Berlin" or "UTC", or an offset such as "+02:00")')
      .optional(),
  })
  .superRefine((mapping, context) => {
    const problem = (path: string[], message: string) => context.addIssue({ code: 'custom', path, message });
    const mapped = (field: string) => Object.hasOwn(mapping.columns, field);
    for (const field of ['type', 'source', 'channel']) {
      if (!mapped(field) && !Object.hasOwn(mapping.constants, field)) {
        problem(['columns', field], `required: map a column to ${field} or set constants.${field}`);
      }
    }
    if (!mapped('occurredAt')) problem(['columns', 'occurredAt'], 'required: map the column with the event time');
    if (!CUSTOMER_FIELDS.some(mapped)) {
      problem(['columns'], `required: map a column to at least one of ${CUSTOMER_FIELDS.join(', ')}`);
    }
    for (const field of Object.keys(mapping.values)) {
      if (!mapped(field)) problem(['values', field], `no column is mapped to ${field}`);
    }
  });

const MAPPING_KEYS = Object.keys(csvMappingSchema.shape).join(', ');

export type CsvMapping = z.output<typeof csvMappingSchema>;
export type CsvMappingInput = z.input<typeof csvMappingSchema>;

/** A bad mapping file; each problem names the file and the field (or the line of a syntax error). */
export class CsvMappingError extends Error {
  override readonly name = 'CsvMappingError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(problems.map((problem) => `${file}: ${problem}`).join('\n'));
  }
}

/** Parses a mapping in YAML or JSON (JSON is YAML), reporting every problem at once. */
export function parseCsvMapping(text: string, fileName: string): CsvMapping {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new CsvMappingError(
      fileName,
      document.errors.map((error) => `line ${lineCounter.linePos(error.pos[0]).line}: ${error.message}`),
    );
  }
  const parsed = csvMappingSchema.safeParse(document.toJS() ?? {});
  if (parsed.success) return parsed.data;
  throw new CsvMappingError(fileName, parsed.error.issues.map(describeIssue));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  const where = (at: string) => (at ? `${at}: ` : '');
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys
        .map((key) => `${where(path ? `${path}.${key}` : key)}unknown key (expected ${MAPPING_KEYS})`)
        .join('; ');
    case 'invalid_key':
      return `${where(path)}${issue.issues[0]?.message ?? issue.message}`;
    case 'invalid_type':
      return `${where(path)}${issue.input === undefined ? 'missing' : `expected ${issue.expected}`}`;
    default:
      return `${where(path)}${issue.message}`;
  }
}
