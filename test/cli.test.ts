import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
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

  it('prints aligned tables without --json, with the figures of the JSON', async () => {
    const json = (await runCli(['metrics', 'teams', ...period, '--org', tinyOrgMapFile, '--json'], env)).stdout;
    const { teams } = JSON.parse(json) as { teams: { team: string; contacts: number; transfers: number; fcrRate: number | null }[] };
    const printed = await runCli(['metrics', 'teams', ...period, '--org', tinyOrgMapFile], env);
    expect(printed.code).toBe(0);
    expect(printed.stdout).not.toContain('{');
    const lines = printed.stdout.trimEnd().split('\n');
    const header = lines.findIndex((line) => line.startsWith('team '));
    const rows = lines.slice(header + 2);
    expect(rows.map((row) => row.split(/\s{2,}/)[0])).toEqual(teams.map((t) => t.team));
    // Every cell of a column ends at the same place: the numbers line up on the right.
    const contactsEnd = lines[header]!.indexOf('contacts') + 'contacts'.length;
    for (const [i, row] of rows.entries()) {
      expect(row.slice(0, contactsEnd).trimEnd().endsWith(String(teams[i]!.contacts)), row).toBe(true);
      const fcr = teams[i]!.fcrRate;
      expect(row).toContain(fcr === null ? '—' : `${(fcr * 100).toFixed(1)}%`);
    }
    const summary = await runCli(['metrics', 'summary', ...period, '--org', tinyOrgMapFile], env);
    expect(summary.stdout).toMatch(new RegExp(`^contacts \\(by first team\\)\\s+${tinyExpected.summary.contacts}$`, 'm'));
    const transitions = await runCli(['metrics', 'transitions', ...period, '--org', tinyOrgMapFile], env);
    for (const t of (tinyExpected.transitions as { silos: { fromSilo: string; toSilo: string; count: number }[] }).silos) expect(transitions.stdout).toMatch(new RegExp(`^${t.fromSilo}\\s+${t.toSilo}\\s+${t.count}$`, 'm'));
  });

  it('reads dates without a time as local midnight in --tz, and names a zone that is none', async () => {
    const dated = await runCli(['metrics', 'summary', '--from', '2026-03-01', '--to', '2026-04-01', '--tz', 'America/New_York', '--org', tinyOrgMapFile, '--json'], env);
    expect(dated.code, dated.stderr).toBe(0);
    expect(JSON.parse(dated.stdout)).toMatchObject({ from: '2026-03-01T05:00:00.000Z', to: '2026-04-01T04:00:00.000Z' });
    const utc = await runCli(['metrics', 'summary', '--from', '2026-03-01', '--to', '2026-04-01', '--org', tinyOrgMapFile, '--json'], env);
    expect(JSON.parse(utc.stdout)).toMatchObject({ from: '2026-03-01T00:00:00.000Z' });
    const bad = await runCli(['metrics', 'summary', '--from', '2026-03-01', '--to', '2026-04-01', '--tz', 'Gotham/Central', '--org', tinyOrgMapFile], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--tz: must be an IANA time zone');
  });

  it('counts bad lines as dead letters and names bad flags and files', async () => {
    const file = join(env.SEAMLINE_DATA_DIR, 'bad.ndjson');
    writeFileSync(file, '{"id":"x1","type":"call.started"}\nnot json\n');
    const bad = await runCli(['ingest', file, '--json'], env);
    expect(JSON.parse(bad.stdout)).toEqual({ accepted: 0, duplicates: 0, deadLetters: 2 });

    const missing = await runCli(['ingest', join(env.SEAMLINE_DATA_DIR, 'nope.ndjson')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`ingest: ${join(env.SEAMLINE_DATA_DIR, 'nope.ndjson')}: file not found`);

    const badPeriod = await runCli(['metrics', 'summary', '--from', 'March', '--to', tinyPeriod.to, '--json'], env);
    expect(badPeriod.code).toBe(1);
    expect(badPeriod.stderr).toContain('--from: must be an ISO 8601 date-time');

    const badOrg = join(env.SEAMLINE_DATA_DIR, 'org.yaml');
    writeFileSync(badOrg, 'queues:\n  Q1:\n    team: t1\n');
    const orgError = await runCli(['metrics', 'summary', ...period, '--org', badOrg, '--json'], env);
    expect(orgError.code).toBe(1);
    expect(orgError.stderr).toMatch(/org\.yaml:2: queues\.Q1\.silo: missing \(expected string\)/);
  });

  it('refuses file options that are not readable text files, wherever the path leads, and keeps the figures', async () => {
    const dir = env.SEAMLINE_DATA_DIR;
    const fifo = join(dir, 'pipe.ndjson');
    execFileSync('mkfifo', [fifo]);
    const binary = join(dir, 'events.ndjson.gz');
    writeFileSync(binary, gzipSync(readFileSync(tinyEventsFile)));
    // Up from the repository root (the CLI's working directory) to the root, then down to a device.
    const upToZero = `${'../'.repeat(12)}dev/zero`;
    const refusals: Array<[string[], Record<string, string>, string]> = [
      [['ingest', dir, '--json'], {}, `ingest: ${dir}: is a directory, not a file`],
      [['ingest', '/dev/zero', '--json'], {}, 'ingest: /dev/zero: is not a regular file (a device, pipe or socket)'],
      [['ingest', fifo, '--json'], {}, `ingest: ${fifo}: is not a regular file`],
      [['ingest', binary, '--json'], {}, `ingest: ${binary}: is not a text file (it holds NUL bytes; compressed or binary?)`],
      [['ingest', tinyEventsFile, '--json'], { SEAMLINE_ORG_MAP: upToZero }, `${upToZero}: is not a regular file`],
      [['ingest', tinyEventsFile, '--json'], { SEAMLINE_ORG_MAP: binary }, `${binary}: is not a text file (it holds NUL bytes)`],
      [['metrics', 'summary', ...period, '--org', dir, '--json'], {}, `${dir}: is a directory, not a file`],
      [['import', tinyEventsFile, '--format', 'csv', '--mapping', '/dev/zero', '--json'], {}, 'import: mapping file /dev/zero: is not a regular file'],
      [['import', fifo, '--format', 'csv', '--mapping', tinyOrgMapFile, '--json'], {}, `import: ${fifo}: is not a regular file`],
    ];
    for (const [args, extra, message] of refusals) {
      const run = await runCli(args, { ...env, ...extra });
      expect(run.code, args.join(' ')).toBe(1);
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(run.stdout, args.join(' ')).toBe('');
    }
    // A line longer than a request may be becomes one dead letter; the lines around it still count.
    const longLine = join(dir, 'long.ndjson');
    const good = (id: string) => JSON.stringify({ id, type: 'billing.invoice_issued', occurredAt: '2020-01-01T00:00:00Z', source: 'stripe', customer: { billingId: 'cus_long' }, channel: 'billing' });
    writeFileSync(longLine, `${good('long-a')}\n{"id":"${'x'.repeat(11 << 20)}"}\n${good('long-b')}`);
    const long = await runCli(['ingest', longLine, '--json'], env);
    expect(long.stderr).toBe('');
    expect(JSON.parse(long.stdout)).toEqual({ accepted: 2, duplicates: 0, deadLetters: 1 });
    // Nothing refused reached the store: the worked example's figures are unchanged.
    const summary = await runCli(['metrics', 'summary', ...period, '--org', tinyOrgMapFile, '--json'], env);
    expect(JSON.parse(summary.stdout)).toEqual(tinyExpected.summary);
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
