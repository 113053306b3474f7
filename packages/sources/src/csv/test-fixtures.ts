import { readFileSync } from 'node:fs';
import { parseCsvMapping, type CsvMapping } from './mapping.ts';

const FIXTURES = new URL('../../fixtures/csv/', import.meta.url);

export const fixtureText = (file: string): string => readFileSync(new URL(file, FIXTURES), 'utf8');

/** The legacy CRM export and its mapping: good rows, a bad date, a short row, quoted commas and line breaks. */
export const LEGACY_CRM_CSV = fixtureText('legacy-crm.csv');
export const LEGACY_CRM_MAPPING: CsvMapping = parseCsvMapping(fixtureText('legacy-crm.mapping.json'), 'legacy-crm.mapping.json');
