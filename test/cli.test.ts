import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { runCli } from './support/cli.ts';
import { tinyEventsFile, tinyExpected, tinyOrgMapFile, tinyPeriod } from './support/tiny.ts';

const period = ['--from', tinyPeriod.from, '--to', tinyPeriod.to, '--as-of', tinyPeriod.asOf];

describe('the seamline CLI on the worked example', () => {
  const stack = testStack();
  const env = {
    SEAMLINE_DATA_DIR: mkdtempSync(join(tmpdir(), 'seamline-cli-')),
    CLICKHOUSE_DATABASE: `seamline_cli_${process.pid}`,
    // The org map in force while ingesting, so the stitched tables serve the metrics below.
    SEAMLINE_ORG_MAP: tinyOrgMapFile,
    ...(stack.clickhouseUrl && { CLICKHOUSE_URL: stack.clickhouseUrl }),
  };

  it('ingests the events and prints exactly the expected counts; a second time they are all duplicates', async () => {
    const first = await runCli(['ingest', tinyEventsFile, '--json'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual(tinyExpected.ingest);
    const again = await runCli(['ingest', tinyEventsFile, '--json'], env);
    expect(JSON.parse(again.stdout)).toEqual({ accepted: 0, duplicates: 7, deadLetters: 0 });
  });

  it('prints exactly the expected summary and transitions', async () => {
    const summary = await runCli(['metrics', 'summary', ...period, '--org', tinyOrgMapFile, '--json'], env);
    expect(summary.code).toBe(0);
    expect(JSON.parse(summary.stdout)).toEqual(tinyExpected.summary);
    const transitions = await runCli(['metrics', 'transitions', ...period, '--org', tinyOrgMapFile, '--json'], env);
    expect(JSON.parse(transitions.stdout)).toEqual(tinyExpected.transitions);
  });

  it('prints one summary per team, scoped like the team filter', async () => {
    const teams = await runCli(['metrics', 'teams', ...period, '--org', tinyOrgMapFile, '--json'], env);
    const body = JSON.parse(teams.stdout) as { teams: { team: string; silo: string; contacts: number }[] };
    expect(body.teams.map((t) => [t.team, t.silo])).toEqual([
      ['t1', 's1'],
      ['t2', 's2'],
    ]);
    const t1 = await runCli(['metrics', 'summary', ...period, '--team', 't1', '--org', tinyOrgMapFile, '--json'], env);
    expect(body.teams[0]?.contacts).toBe(JSON.parse(t1.stdout).contacts);
  });

  it('counts bad lines as dead letters and names bad flags and files', async () => {
    const file = join(env.SEAMLINE_DATA_DIR, 'bad.ndjson');
    writeFileSync(file, '{"id":"x1","type":"call.started"}\nnot json\n');
    const bad = await runCli(['ingest', file, '--json'], env);
    expect(JSON.parse(bad.stdout)).toEqual({ accepted: 0, duplicates: 0, deadLetters: 2 });

    const missing = await runCli(['ingest', join(env.SEAMLINE_DATA_DIR, 'nope.ndjson')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ingest: file not found');

    const badPeriod = await runCli(['metrics', 'summary', '--from', 'March', '--to', tinyPeriod.to, '--json'], env);
    expect(badPeriod.code).toBe(1);
    expect(badPeriod.stderr).toContain('--from: must be an ISO 8601 date-time');

    const badOrg = join(env.SEAMLINE_DATA_DIR, 'org.yaml');
    writeFileSync(badOrg, 'queues:\n  Q1:\n    team: t1\n');
    const orgError = await runCli(['metrics', 'summary', ...period, '--org', badOrg, '--json'], env);
    expect(orgError.code).toBe(1);
    expect(orgError.stderr).toMatch(/org\.yaml:2: queues\.Q1\.silo: missing \(expected string\)/);
  });
});

describe('npm run demo -- --no-serve', () => {
  it('generates a sample, ingests it and prints figures computed from it', async () => {
    const env = { SEAMLINE_DATA_DIR: mkdtempSync(join(tmpdir(), 'seamline-demo-')) };
    const demo = await runCli(['demo', '--no-serve', '--events', '3000', '--seed', '5'], env);
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/accepted 3000, duplicates 0, dead letters 0/);
    const contacts = Number(/contacts\s+(\d+)/.exec(demo.stdout)?.[1]);
    expect(contacts).toBeGreaterThan(100);
    expect(demo.stdout).toMatch(/repeat contacts\s+\d+ \(\d+\.\d%\)/);
    expect(demo.stdout).toMatch(/first-contact resolution\s+\d+ of \d+ mature/);
  });
});
