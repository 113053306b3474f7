import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import type { ClickHouse } from '../client.ts';
import { openTestClickHouse } from '../testing.ts';
import { ANY_SOURCE, API_KEYS_TABLE, createApiKey, findApiKey, hashApiKeySecret, listApiKeys, maySend, parseApiKey, revokeApiKey, verifyApiKey } from './api-keys.ts';

describe('the api_keys_v1 table', () => {
  let clickhouse: ClickHouse;
  beforeAll(async () => {
    clickhouse = await openTestClickHouse(testStack().clickhouseUrl);
  });
  afterAll(async () => clickhouse?.close());

  it('stores only the hash of a new key and finds the key by it', async () => {
    const { keyId, key } = await createApiKey(clickhouse.client, { teams: ['t1', 't2', 't1'], admin: false, pii: true, name: 'leaders' });
    expect(parseApiKey(key)?.keyId).toBe(keyId);
    const stored = await (await clickhouse.client.query({ query: `SELECT * FROM ${API_KEYS_TABLE} WHERE key_id = {keyId:String}`, query_params: { keyId }, format: 'JSONEachRow' })).json<Record<string, unknown>>();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.secret_hash).toBe(hashApiKeySecret(parseApiKey(key)!.secret));
    expect(JSON.stringify(stored)).not.toContain(parseApiKey(key)!.secret);
    expect(await findApiKey(clickhouse.client, key)).toMatchObject({ keyId, teams: ['t1', 't2'], admin: false, pii: true, name: 'leaders', revokedAt: null });
  });

  it('lists keys without secrets or hashes', async () => {
    const { keyId } = await createApiKey(clickhouse.client, { teams: [], admin: true, pii: false, name: 'ops' });
    const listed = await listApiKeys(clickhouse.client);
    const admin = listed.find((k) => k.keyId === keyId);
    expect(admin).toEqual({ keyId, kind: 'read', sources: [], teams: [], admin: true, pii: false, name: 'ops', createdAt: expect.stringMatching(/^\d{4}-.*Z$/), revokedAt: null });
    for (const key of listed) expect(Object.keys(key).sort()).toEqual(['admin', 'createdAt', 'keyId', 'kind', 'name', 'pii', 'revokedAt', 'sources', 'teams']);
  });

  it('keeps write keys apart: they name sources, see no team, and may send only their sources', async () => {
    const { key } = await createApiKey(clickhouse.client, { kind: 'write', sources: ['zendesk', ' stripe', 'zendesk'], teams: [], admin: false, pii: false, name: 'feeds' });
    const stored = await findApiKey(clickhouse.client, key);
    expect(stored).toMatchObject({ kind: 'write', sources: ['zendesk', 'stripe'], teams: [], admin: false });
    expect([maySend(stored!, 'zendesk'), maySend(stored!, 'stripe'), maySend(stored!, 'connect')]).toEqual([true, true, false]);
    const any = await findApiKey(clickhouse.client, (await createApiKey(clickhouse.client, { kind: 'write', sources: [ANY_SOURCE], teams: [], admin: false, pii: false, name: '' })).key);
    expect(maySend(any!, 'connect')).toBe(true);
    const reader = await findApiKey(clickhouse.client, (await createApiKey(clickhouse.client, { teams: [], admin: true, pii: false, name: '' })).key);
    expect(maySend(reader!, 'zendesk')).toBe(false);
    const write = { kind: 'write' as const, teams: [], admin: false, pii: false, name: '' };
    await expect(createApiKey(clickhouse.client, { ...write, sources: [] })).rejects.toThrow(/needs at least one source/);
    await expect(createApiKey(clickhouse.client, { ...write, sources: ['zendesk'], admin: true })).rejects.toThrow(/write key sends events/);
    await expect(createApiKey(clickhouse.client, { teams: ['t1'], admin: false, pii: false, name: '', sources: ['zendesk'] })).rejects.toThrow(/sources are for write keys/);
  });

  it('refuses a revoked key, says it is revoked, and keeps it listed as revoked', async () => {
    const { keyId, key } = await createApiKey(clickhouse.client, { teams: ['t1'], admin: false, pii: false, name: '' });
    const at = new Date();
    expect(await revokeApiKey(clickhouse.client, keyId, at)).toBe(true);
    expect(await findApiKey(clickhouse.client, key)).toBeUndefined();
    expect(await verifyApiKey(clickhouse.client, key)).toEqual({ ok: false, reason: 'revoked', keyId });
    expect(await revokeApiKey(clickhouse.client, keyId, new Date(at.getTime() + 60_000))).toBe(true);
    expect((await listApiKeys(clickhouse.client)).find((k) => k.keyId === keyId)?.revokedAt).toBe(at.toISOString());
  });

  it('answers unknown for a wrong secret and false when revoking an unknown id', async () => {
    const { key } = await createApiKey(clickhouse.client, { teams: ['t1'], admin: false, pii: false, name: '' });
    const parsed = parseApiKey(key)!;
    const other = `sl_${parsed.keyId}_${parsed.secret.startsWith('A') ? 'B' : 'A'}${parsed.secret.slice(1)}`;
    expect(await verifyApiKey(clickhouse.client, other)).toEqual({ ok: false, reason: 'unknown' });
    expect(await verifyApiKey(clickhouse.client, 'sl_nope')).toEqual({ ok: false, reason: 'malformed' });
    expect(await revokeApiKey(clickhouse.client, 'ffffffffffffffff')).toBe(false);
  });

  it('refuses a key with neither teams nor admin, or with both', async () => {
    await expect(createApiKey(clickhouse.client, { teams: [], admin: false, pii: false, name: '' })).rejects.toThrow('api keys: a team key needs at least one team');
    await expect(createApiKey(clickhouse.client, { teams: ['t1'], admin: true, pii: false, name: '' })).rejects.toThrow('not both');
    await expect(createApiKey(clickhouse.client, { teams: [' '], admin: false, pii: false, name: '' })).rejects.toThrow('must not be empty');
  });
});
