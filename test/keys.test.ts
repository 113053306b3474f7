import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectClickHouse, verifyApiKey } from '@seamline/clickhouse';
import { testStack } from '@seamline/infra/testing';
import { runCli } from './support/cli.ts';

describe('API keys through the CLI', () => {
  const stack = testStack();
  const dir = mkdtempSync(join(tmpdir(), 'seamline-keys-'));
  const env = {
    SEAMLINE_DATA_DIR: dir,
    CLICKHOUSE_DATABASE: `seamline_keys_${process.pid}`,
    ...(stack.clickhouseUrl && { CLICKHOUSE_URL: stack.clickhouseUrl }),
  };
  const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));

  it('refuses to create a key with neither --team nor --admin, or with both', async () => {
    const neither = await runCli(['keys', 'create'], env);
    expect(neither.code).toBe(1);
    expect(neither.stderr.trim()).toBe(
      'keys create: neither --team nor --admin given: name the teams the key may see (--team T, repeatable) or give --admin',
    );
    const both = await runCli(['keys', 'create', '--team', 't1', '--admin'], env);
    expect(both.code).toBe(1);
    expect(both.stderr.trim()).toBe('keys create: give --team or --admin, not both (an admin key already sees every team)');
  });

  it('creates, lists and revokes keys, showing each key once and never again', async () => {
    const team = await runCli(['keys', 'create', '--team', 't1', '--team', 't2', '--name', 'leaders', '--json'], env);
    expect(team.code).toBe(0);
    const created = JSON.parse(team.stdout);
    expect(created).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), key: expect.stringMatching(/^sl_[0-9a-f]{16}_/), teams: ['t1', 't2'], admin: false, pii: false, name: 'leaders' });
    expect(created.key.startsWith(`sl_${created.keyId}_`)).toBe(true);

    const admin = await runCli(['keys', 'create', '--admin', '--pii'], env);
    expect(admin.code).toBe(0);
    expect(admin.stdout).toMatch(/^key id {2}[0-9a-f]{16}\nkey {5}sl_[0-9a-f]{16}_\S{43}\n$/);
    expect(admin.stderr).toContain('This is the only time the key is shown');
    const adminKey = admin.stdout.split('\n')[1]!.split(/\s+/)[1]!;

    const listed = await runCli(['keys', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(created.key.slice(20));
    expect(lines(listed.stdout)).toEqual([
      { keyId: created.keyId, kind: 'read', sources: [], name: 'leaders', teams: ['t1', 't2'], admin: false, pii: false, createdAt: expect.any(String), revokedAt: null },
      { keyId: expect.any(String), kind: 'read', sources: [], name: '', teams: [], admin: true, pii: true, createdAt: expect.any(String), revokedAt: null },
    ]);

    const revoked = await runCli(['keys', 'revoke', created.keyId], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout.trim()).toBe(`revoked ${created.keyId}`);
    const after = lines((await runCli(['keys', 'list', '--json'], env)).stdout);
    expect(after.find((k) => k.keyId === created.keyId)?.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const human = await runCli(['keys', 'list'], env);
    expect(human.stdout).toContain(`${created.keyId}  revoked`);
    expect(human.stderr).toContain('2 key(s), 1 active');

    const unknown = await runCli(['keys', 'revoke', 'ffffffffffffffff'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('keys revoke: no API key with id "ffffffffffffffff" (see `seamline keys list`)');

    // A write key names its sources, and nothing else.
    const noSource = await runCli(['keys', 'create', '--write'], env);
    expect(noSource.code).toBe(1);
    expect(noSource.stderr).toContain('--write needs the sources the key may send');
    expect((await runCli(['keys', 'create', '--write', '--source', 'zendesk', '--team', 't1'], env)).stderr).toContain('a write key sends events; give --source');
    expect((await runCli(['keys', 'create', '--source', 'zendesk', '--team', 't1'], env)).stderr).toContain('--source is for write keys');
    const writer = await runCli(['keys', 'create', '--write', '--source', 'zendesk', '--source', 'stripe', '--name', 'feeds'], env);
    expect(writer.code).toBe(0);
    expect(writer.stderr).toContain('may send events of zendesk, stripe to the ingest API');
    const writeKey = writer.stdout.split('\n')[1]!.split(/\s+/)[1]!;
    expect((await runCli(['keys', 'list'], env)).stdout).toMatch(/active\s+write, sources: zendesk, stripe\s+"feeds"/);

    // The keys the CLI printed are the ones the metric API will check.
    const clickhouse = await connectClickHouse({ url: stack.clickhouseUrl, database: env.CLICKHOUSE_DATABASE, dataDir: dir });
    try {
      expect(await verifyApiKey(clickhouse.client, created.key)).toEqual({ ok: false, reason: 'revoked', keyId: created.keyId });
      expect(await verifyApiKey(clickhouse.client, adminKey)).toMatchObject({ ok: true, apiKey: { admin: true, pii: true } });
      expect(await verifyApiKey(clickhouse.client, writeKey)).toMatchObject({ ok: true, apiKey: { kind: 'write', sources: ['zendesk', 'stripe'], admin: false } });
    } finally {
      await clickhouse.close();
    }
  });
});
