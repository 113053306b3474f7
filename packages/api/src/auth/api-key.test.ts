import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { hashApiKeySecret, parseApiKey } from '@seamline/clickhouse';
import { createKeyCache, presentedKey } from '@seamline/http';

const secret = 'Ab_-0123456789abcdefghijklmnopqrstuvwxyzABC'; // 43 base64url characters, `_` and `-` included
const key = `sl_0123456789abcdef_${secret}`;

describe('the API key format', () => {
  it('reads the key id and the secret, also when the secret contains underscores', () => {
    expect(parseApiKey(key)).toEqual({ keyId: '0123456789abcdef', secret });
  });

  it.each([
    ['an empty string', ''],
    ['another prefix', `sk_0123456789abcdef_${secret}`],
    ['an id that is not 16 hex characters', `sl_0123456789ABCDEF_${secret}`],
    ['a short id', `sl_0123456789abcde_${secret}`],
    ['a short secret', `sl_0123456789abcdef_${secret.slice(1)}`],
    ['a long secret', `sl_0123456789abcdef_${secret}x`],
    ['a secret outside base64url', `sl_0123456789abcdef_${secret.slice(1)}+`],
    ['surrounding text', ` ${key}`],
  ])('refuses %s', (_what, text) => {
    expect(parseApiKey(text)).toBeUndefined();
  });

  it('hashes a secret as hex SHA-256, never keeping the secret', () => {
    expect(hashApiKeySecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('the key a request presents', () => {
  const request = (headers: Record<string, string | string[]>) => ({ headers }) as unknown as FastifyRequest;

  it('comes from "Authorization: Bearer", whatever the case of the scheme', () => {
    expect(presentedKey(request({ authorization: `Bearer ${key}` }))).toBe(key);
    expect(presentedKey(request({ authorization: `bearer  ${key} ` }))).toBe(key);
  });

  it('comes from X-API-Key when there is no bearer token', () => {
    expect(presentedKey(request({ 'x-api-key': key }))).toBe(key);
    expect(presentedKey(request({ authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': key }))).toBe(key);
  });

  it('is missing when neither header carries one', () => {
    expect(presentedKey(request({}))).toBeUndefined();
    expect(presentedKey(request({ authorization: 'Bearer ' }))).toBeUndefined();
    expect(presentedKey(request({ 'x-api-key': '  ' }))).toBeUndefined();
  });
});

describe('the key lookup cache', () => {
  function counted() {
    const calls: string[] = [];
    return { calls, lookup: async (k: string) => (calls.push(k), `verdict for ${k}`) };
  }

  it('asks the store once per key within the time to live, and again after it', async () => {
    let now = 0;
    const { calls, lookup } = counted();
    const cached = createKeyCache(lookup, 10_000, { now: () => now });
    await cached('a');
    await cached('a');
    now = 9_999;
    expect(await cached('a')).toBe('verdict for a');
    expect(calls).toEqual(['a']);
    now = 10_000;
    await cached('a');
    expect(calls).toEqual(['a', 'a']);
  });

  it('keeps the last verdict of a key while the store cannot be asked, with staleIfError, and only then', async () => {
    let now = 0;
    let down = false;
    const calls: string[] = [];
    const lookup = async (k: string) => {
      calls.push(k);
      if (down) throw new Error('store unreachable');
      return `verdict for ${k}`;
    };
    const stale = createKeyCache(lookup, 1_000, { now: () => now, staleIfError: true });
    const strict = createKeyCache(lookup, 1_000, { now: () => now });
    await stale('a');
    await strict('a');
    down = true;
    now = 5_000;
    expect(await stale('a')).toBe('verdict for a');
    await expect(strict('a')).rejects.toThrow('store unreachable');
    // A key never verified is not let in.
    await expect(stale('b')).rejects.toThrow('store unreachable');
    down = false;
    now = 10_000;
    expect(await stale('a')).toBe('verdict for a');
    expect(calls.filter((k) => k === 'a')).toHaveLength(5);
  });

  it('shares one lookup between concurrent requests with the same key', async () => {
    const { calls, lookup } = counted();
    const cached = createKeyCache(lookup, 10_000);
    await Promise.all([cached('a'), cached('a'), cached('b')]);
    expect(calls).toEqual(['a', 'b']);
  });

  it('does not keep a failed lookup', async () => {
    let fail = true;
    const cached = createKeyCache(async () => {
      if (fail) throw new Error('store down');
      return 'ok';
    }, 10_000);
    await expect(cached('a')).rejects.toThrow('store down');
    fail = false;
    expect(await cached('a')).toBe('ok');
  });

  it('asks every time with a time to live of zero', async () => {
    const { calls, lookup } = counted();
    const cached = createKeyCache(lookup, 0);
    await cached('a');
    await cached('a');
    expect(calls).toEqual(['a', 'a']);
  });

  it('stays bounded when flooded with made-up keys', async () => {
    const { calls, lookup } = counted();
    const cached = createKeyCache(lookup, 10_000, { maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) await cached(k);
    await cached('e');
    expect(calls).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
