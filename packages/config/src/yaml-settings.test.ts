import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SettingsFileError } from './files.ts';
import { loadYamlSettings, parseYamlSettings } from './yaml-settings.ts';

const schema = z.strictObject({
  queues: z.record(z.string(), z.strictObject({ team: z.string(), silo: z.string() })),
  hours: z.array(z.number().int().max(23, 'must be 0 to 23')).optional(),
});

function refusal(run: () => unknown): SettingsFileError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsFileError);
    return error as SettingsFileError;
  }
  throw new Error('expected the file to be refused');
}

describe('YAML settings files', () => {
  it('reads YAML and JSON with the schema', () => {
    const yaml = 'queues:\n  Q1: { team: t1, silo: s1 }\n';
    expect(parseYamlSettings(yaml, 'org.yaml', schema)).toEqual({ queues: { Q1: { team: 't1', silo: 's1' } } });
    expect(parseYamlSettings(JSON.stringify({ queues: {} }), 'org.json', schema)).toEqual({ queues: {} });
  });

  it('names the file, the line, the path and the problem of every issue, in line order', () => {
    const text = ['queues:', '  "Billing Tier 1":', '    team: 7', '    silo: billing', 'hours: [8, 24]', 'extra: 1', ''].join('\n');
    expect(refusal(() => parseYamlSettings(text, 'org.yaml', schema)).message.split('\n')).toEqual([
      'org.yaml:3: queues."Billing Tier 1".team: expected string, not number 7',
      'org.yaml:5: hours[1]: must be 0 to 23',
      'org.yaml:6: extra: unknown key',
    ]);
  });

  it('gives a syntax error its line, and lists problems without the file name too', () => {
    const error = refusal(() => parseYamlSettings('queues:\n  Q1: [t1\n', 'org.yaml', schema));
    expect(error.message).toMatch(/^org\.yaml:\d+: /);
    expect(error.problems).toEqual([expect.stringMatching(/^line \d+: /)]);
  });

  it('leaves out the line of a file that has none to tell apart (JSON on one line)', () => {
    expect(refusal(() => parseYamlSettings('{"queues": {"Q1": {"team": "t1"}}}', 'org.json', schema)).message).toBe(
      'org.json: queues.Q1.silo: missing (expected string)',
    );
  });

  it('puts the setting that named the file before each problem, a missing file included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seamline-yaml-settings-'));
    const file = join(dir, 'org.yaml');
    writeFileSync(file, 'queues:\n  Q1: { team: t1 }\n');
    expect(refusal(() => loadYamlSettings(file, schema, { setting: 'SEAMLINE_ORG_MAP' })).message).toBe(`SEAMLINE_ORG_MAP: ${file}:2: queues.Q1.silo: missing (expected string)`);
    expect(refusal(() => loadYamlSettings(join(dir, 'nope.yaml'), schema, { setting: 'SEAMLINE_ORG_MAP' })).message).toBe(
      `SEAMLINE_ORG_MAP: ${join(dir, 'nope.yaml')}: file not found`,
    );
  });

  it('uses a file\'s own wording where it gives one', () => {
    const describe = (issue: z.core.$ZodIssue) => (issue.code === 'unrecognized_keys' ? 'unknown key (expected queues, hours)' : undefined);
    expect(refusal(() => parseYamlSettings('queus: {}\n', 'org.yaml', schema, { describe })).message).toBe(
      'org.yaml:1: queues: missing (expected record)\norg.yaml:1: queus: unknown key (expected queues, hours)',
    );
  });
});
