import { describe, expect, it } from 'vitest';
import { SettingsFileError } from '@seamline/config';
import { parseCsvMapping } from './mapping.ts';
import { LEGACY_CRM_MAPPING } from './test-fixtures.ts';

function problemsOf(text: string, file = 'mapping.yaml'): readonly string[] {
  try {
    parseCsvMapping(text, file);
  } catch (error) {
    if (error instanceof SettingsFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the mapping to be refused');
}

const MINIMAL = {
  columns: { type: 'kind', occurredAt: 'at', 'customer.email': 'mail' },
  constants: { source: 'legacy-crm', channel: 'email' },
};

describe('parseCsvMapping', () => {
  it('reads the JSON mapping fixture with its defaults', () => {
    expect(LEGACY_CRM_MAPPING).toMatchObject({
      columns: { id: 'event_id', 'attributes.plan': 'plan', 'customer.billingId': 'account' },
      constants: { source: 'legacy-crm', channel: 'email' },
      values: { type: { opened: 'ticket.created', moved: 'ticket.reassigned' } },
      delimiter: ',',
      timezone: 'Europe/Berlin',
    });
  });

  it('reads YAML and fills in the comma delimiter and empty constants and value maps', () => {
    const yaml = ['columns:', '  type: kind', '  occurredAt: at', '  source: system', '  channel: medium', '  customer.crmId: account'].join('\n');
    expect(parseCsvMapping(yaml, 'm.yaml')).toEqual({
      columns: { type: 'kind', occurredAt: 'at', source: 'system', channel: 'medium', 'customer.crmId': 'account' },
      constants: {},
      values: {},
      delimiter: ',',
    });
  });

  it('names the file and each field that is wrong, all at once', () => {
    const mapping = {
      columns: { type: 'kind', occurredAt: 'at', 'customer.mail': 'mail' },
      constants: { source: 'x', 'customer.email': 'ann@example.com' },
      values: { queue: { a: 'b' } },
      delimiter: ';;',
      timezone: 'Mars/Olympus',
    };
    const error = (() => {
      try {
        parseCsvMapping(JSON.stringify(mapping), 'crm.mapping.json');
      } catch (caught) {
        return caught as SettingsFileError;
      }
      throw new Error('expected the mapping to be refused');
    })();
    expect(error.message.split('\n').every((line) => line.startsWith('crm.mapping.json: '))).toBe(true);
    expect(error.problems).toEqual([
      expect.stringMatching(/^columns\.customer\.mail: not a field a column can feed/),
      expect.stringMatching(/^constants\.customer\.email: not a field that may be a constant/),
      'delimiter: must be one character',
      expect.stringMatching(/^timezone: not a timezone/),
    ]);
  });

  it('requires a type, an event time, a source, a channel and a customer column', () => {
    expect(problemsOf('columns: {}')).toEqual([
      'columns.type: required: map a column to type or set constants.type',
      'columns.source: required: map a column to source or set constants.source',
      'columns.channel: required: map a column to channel or set constants.channel',
      'columns.occurredAt: required: map the column with the event time',
      'columns: required: map a column to at least one of customer.email, customer.phone, customer.billingId, customer.crmId, customer.sourceId',
    ]);
  });

  it('refuses a value map for a field no column feeds, and unknown top-level keys', () => {
    expect(problemsOf(JSON.stringify({ ...MINIMAL, values: { queue: { a: 'b' } } }))).toEqual([
      'values.queue: no column is mapped to queue',
    ]);
    expect(problemsOf(JSON.stringify({ ...MINIMAL, colums: {} }))).toEqual([
      'colums: unknown key (expected columns, constants, values, delimiter, timezone)',
    ]);
  });

  it('gives the line of a syntax error and refuses an empty file', () => {
    expect(problemsOf('columns:\n  type: [kind\n')).toEqual([expect.stringMatching(/^line \d+: /)]);
    expect(problemsOf('')).toEqual(['columns: missing']);
  });
});
