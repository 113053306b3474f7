import { parseYamlSettings } from '@seamline/config';
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

/** Parses a mapping in YAML or JSON (JSON is YAML); a bad one is a SettingsFileError naming every problem. */
export function parseCsvMapping(text: string, fileName: string): CsvMapping {
  return parseYamlSettings(text, fileName, csvMappingSchema, { describe: describeIssue });
}

/** The mapping's own wording: a missing field is just missing, an unknown key lists the known ones. */
function describeIssue(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key (expected ${MAPPING_KEYS})`;
    case 'invalid_type':
      return issue.input === undefined ? 'missing' : `expected ${issue.expected}`;
    default:
      return undefined;
  }
}
