import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsFileError } from '@seamline/config';
import { attributeQueue, loadOrgMap, parseOrgMap, unmappedQueues } from './org-map.ts';

const yaml = `# Support org
queues:
  "Billing Tier 1":
    team: billing-t1
    silo: billing
  Tech:
    team: tech
    silo: product
`;

function problemOf(text: string, fileName = 'org.yaml'): string {
  try {
    parseOrgMap(text, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsFileError);
    return (error as Error).message;
  }
  throw new Error('expected an OrgMapError');
}

describe('the org map', () => {
  it('reads YAML and JSON alike', () => {
    const fromYaml = parseOrgMap(yaml, 'org.yaml');
    expect(fromYaml.queues['Billing Tier 1']).toEqual({ team: 'billing-t1', silo: 'billing' });
    expect(parseOrgMap(JSON.stringify(fromYaml), 'org.json')).toEqual(fromYaml);
  });

  it('accepts an empty map, an empty queues section and an empty file', () => {
    expect(parseOrgMap('{"queues": {}}', 'org.json')).toEqual({ queues: {} });
    expect(parseOrgMap('queues:\n', 'org.yaml')).toEqual({ queues: {} });
    expect(parseOrgMap('', 'org.yaml')).toEqual({ queues: {} });
  });

  it('names the file, the line and the problem of a value of the wrong type', () => {
    const text = yaml.replace('silo: billing', 'silo: 42');
    expect(problemOf(text)).toBe('org.yaml:5: queues."Billing Tier 1".silo: expected string');
  });

  it('points at the queue that lacks a silo', () => {
    const text = '{\n  "queues": {\n    "Q1": { "team": "t1" }\n  }\n}\n';
    expect(problemOf(text, 'org.json')).toBe('org.json:3: queues.Q1.silo: missing (expected string)');
  });

  it('refuses an unknown top-level key, so a typo is not an empty map', () => {
    expect(problemOf('# typo\nqueus:\n  Q1: {team: t1, silo: s1}\n')).toBe(
      'org.yaml:2: queus: unknown key (expected only "queues")',
    );
  });

  it('reports a syntax error with its line', () => {
    expect(problemOf('queues:\n  Q1: {team: t1, silo: s1}\n  Q1: {team: t2, silo: s2}\n')).toMatch(
      /^org\.yaml:3: Map keys must be unique/,
    );
    expect(problemOf('{\n "queues": {\n  "Q1": [\n}\n', 'org.json')).toMatch(/^org\.json:\d+: /);
  });

  it('says which file was not found', async () => {
    await expect(loadOrgMap('./no-such-org.yaml')).rejects.toThrow('./no-such-org.yaml: file not found');
  });

  it('loads a file from disk', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'org-map-')), 'org.yaml');
    writeFileSync(file, yaml);
    expect((await loadOrgMap(file)).queues.Tech).toEqual({ team: 'tech', silo: 'product' });
  });

  it('attributes known, unknown and missing queues', () => {
    const orgMap = parseOrgMap(yaml, 'org.yaml');
    expect(attributeQueue(orgMap, 'Tech')).toEqual({ team: 'tech', silo: 'product' });
    expect(attributeQueue(orgMap, 'Sales')).toEqual({ team: 'unmapped:Sales', silo: 'unmapped' });
    expect(attributeQueue(orgMap, 'constructor')).toEqual({ team: 'unmapped:constructor', silo: 'unmapped' });
    expect(attributeQueue(orgMap, undefined)).toEqual({ team: 'unassigned', silo: 'unassigned' });
  });

  it('lists the queues it does not know, once each and sorted', () => {
    const orgMap = parseOrgMap(yaml, 'org.yaml');
    expect(unmappedQueues(orgMap, ['Tech', 'Sales', undefined, 'Retention', 'Sales'])).toEqual(['Retention', 'Sales']);
  });
});

describe('handoffs out of the organisation', () => {
  const map = parseOrgMap(JSON.stringify({ queues: { 'external:+493012345678': { team: 'field-partner', silo: 'partners' } } }), 'org.json');
  it('puts an external queue the map does not name in a team of its own, silo external, never unmapped', () => {
    expect(attributeQueue(map, 'external:+4940999')).toEqual({ team: 'external:+4940999', silo: 'external' });
    expect(unmappedQueues(map, ['external:+4940999', 'Billing'])).toEqual(['Billing']);
  });
  it('lets the map name an external queue like any other', () => {
    expect(attributeQueue(map, 'external:+493012345678')).toEqual({ team: 'field-partner', silo: 'partners' });
  });
});
