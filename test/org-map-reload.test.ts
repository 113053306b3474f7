import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { runCli } from './support/cli.ts';
import { startService, type ServiceProcess } from '@seamline/infra/service-process';
import { tinyEventsFile, tinyPeriod } from './support/tiny.ts';
import { waitFor } from './support/wait.ts';

describe('the org map', () => {
  const stack = testStack();
  const dir = mkdtempSync(join(tmpdir(), 'seamline-org-'));
  const orgFile = join(dir, 'org.yaml');
  const env = {
    SEAMLINE_DATA_DIR: dir,
    CLICKHOUSE_DATABASE: `seamline_org_${process.pid}`,
    ...(stack.clickhouseUrl && { CLICKHOUSE_URL: stack.clickhouseUrl }),
  };
  let api: ServiceProcess | undefined;
  afterAll(() => api?.child.kill('SIGKILL'));

  it('lists unmapped queues with counts, and is reloaded on SIGHUP without a restart', async () => {
    writeFileSync(orgFile, 'queues:\n  Q1: { team: t1, silo: s1 }\n');
    expect((await runCli(['ingest', tinyEventsFile, '--json'], env)).code).toBe(0);
    const cli = await runCli(['org', 'unmapped', '--org', orgFile, '--json'], env);
    expect(JSON.parse(cli.stdout)).toEqual({ queues: [{ queue: 'Q2', events: 2, lastSeen: '2026-03-05T10:00:00.000Z' }] });

    // The server requires API keys: an admin key sees organisation-wide lists.
    const { key } = JSON.parse((await runCli(['keys', 'create', '--admin', '--json'], env)).stdout) as { key: string };
    const auth = { authorization: `Bearer ${key}` };
    api = startService('metrics-api', { ...env, SEAMLINE_ORG_MAP: orgFile, PORT: '0', HOST: '127.0.0.1' });
    await waitFor('the metrics API to listen', () => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(api!.output()));
    const base = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(api.output())![1];
    const unmapped = async () => (await (await fetch(`${base}/v1/org/unmapped`, { headers: auth })).json()) as { queues: { queue: string }[] };
    const teams = async () => {
      const params = new URLSearchParams(tinyPeriod).toString();
      return ((await (await fetch(`${base}/v1/metrics/teams?${params}`, { headers: auth })).json()) as { teams: { team: string }[] }).teams.map((t) => t.team);
    };
    expect((await unmapped()).queues.map((q) => q.queue)).toEqual(['Q2']);
    expect(await teams()).toEqual(['t1', 'unmapped:Q2']);

    writeFileSync(orgFile, 'queues:\n  Q1: { team: t1, silo: s1 }\n  Q2: { team: t2, silo: s2 }\n');
    api.child.kill('SIGHUP');
    await waitFor('the reloaded map', async () => (await unmapped()).queues.length === 0);
    expect(await teams()).toEqual(['t1', 't2']);

    writeFileSync(orgFile, 'queues:\n  Q1: { team: t1 }\n');
    api.child.kill('SIGHUP');
    await waitFor('the reload error in the log', () => api!.output().includes('org map not reloaded'));
    expect(api.output()).toMatch(/org\.yaml:2: queues\.Q1\.silo/);
    expect(await teams()).toEqual(['t1', 't2']);
  });
});
