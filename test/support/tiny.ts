import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseOrgMap, type OrgMap } from '@seamline/journeys';

/** The worked example of docs/metrics.md (test/fixtures/tiny): events, org map, expected output. */
const dir = fileURLToPath(new URL('../fixtures/tiny/', import.meta.url));

export const tinyEventsFile = `${dir}events.ndjson`;
export const tinyOrgMapFile = `${dir}org.json`;
export const tinyEventsNdjson = readFileSync(tinyEventsFile, 'utf8');
export const tinyExpected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as {
  summary: Record<string, unknown>;
  transitions: Record<string, unknown>;
  ingest: { accepted: number; duplicates: number; deadLetters: number };
};
export const tinyOrgMap = (): OrgMap => parseOrgMap(readFileSync(tinyOrgMapFile, 'utf8'), tinyOrgMapFile);
export const tinyPeriod = { from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', asOf: '2026-04-01T00:00:00.000Z' };
