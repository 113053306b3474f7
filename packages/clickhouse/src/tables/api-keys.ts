import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { namedInsert, namedRead } from './named-query.ts';

export const API_KEYS_TABLE = 'api_keys_v1';

// A key is `sl_<keyId>_<secret>`: 16 hex characters of id (public, names the key in lists and
// logs) and 256 random bits of secret in base64url (43 characters, may contain `_` and `-`).
const KEY_FORMAT = /^sl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A read key reads the metric API; a write key sends events to the ingest API. Neither does the other. */
export type ApiKeyKind = 'read' | 'write';

/** Any source: a write key for every source, present and future. */
export const ANY_SOURCE = '*';

/** What a key may see, or send. */
export interface ApiKeyGrant {
  /** Read unless given. */
  kind?: ApiKeyKind;
  /** Write keys: the event sources they may send (ANY_SOURCE for any); empty for a read key. */
  sources?: readonly string[];
  /** The teams a team key sees; empty for an admin key and a write key. */
  teams: readonly string[];
  /** Sees every team, silo- and organisation-wide figures. */
  admin: boolean;
  /** Sees customer identifiers unmasked. */
  pii: boolean;
  /** A label for people ("billing dashboard"); never used for access. */
  name: string;
}

/** A stored key as people may see it: never its secret or the secret's hash. */
export interface ApiKey extends ApiKeyGrant {
  kind: ApiKeyKind;
  sources: readonly string[];
  keyId: string;
  createdAt: string;
  revokedAt: string | null;
}

export type ApiKeyVerdict =
  | { ok: true; apiKey: ApiKey }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked'; keyId?: string };

/** A row of api_keys_v1 as people may see it: without the secret's hash. */
const keyRow = z.object({
  key_id: z.string(),
  kind: z.enum(['read', 'write']),
  sources: z.array(z.string()),
  teams: z.array(z.string()),
  admin: z.coerce.number(),
  pii: z.coerce.number(),
  name: z.string(),
  created_at: z.string(),
  revoked_at: z.string().nullable(),
  updated_at: z.string(),
});
/** A row of api_keys_v1. */
export const apiKeyRow = keyRow.extend({ secret_hash: z.string() });
type KeyRow = z.infer<typeof apiKeyRow>;
/** What a write of a row gives: the flags as 0 or 1, instants as ISO 8601. */
type KeyRowWrite = Omit<KeyRow, 'admin' | 'pii'> & { admin: 0 | 1; pii: 0 | 1 };

const iso = (value: string) => (value.includes('T') ? new Date(value).toISOString() : `${value.replace(' ', 'T')}Z`);

function toApiKey(row: z.infer<typeof keyRow>): ApiKey {
  return {
    keyId: row.key_id,
    kind: row.kind,
    sources: row.sources,
    name: row.name,
    teams: row.teams,
    admin: row.admin === 1,
    pii: row.pii === 1,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

/** The id and secret of a key in the `sl_<keyId>_<secret>` format, or undefined. */
export function parseApiKey(key: string): { keyId: string; secret: string } | undefined {
  const match = KEY_FORMAT.exec(key);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

/** Hex SHA-256: the secret is 256 random bits, so a slow password hash would add nothing. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function checkGrant(grant: ApiKeyGrant): ApiKeyGrant & { kind: ApiKeyKind; sources: readonly string[] } {
  const kind = grant.kind ?? 'read';
  const teams = [...new Set(grant.teams.map((team) => team.trim()))];
  const sources = [...new Set((grant.sources ?? []).map((source) => source.trim()))];
  if (kind === 'write') {
    if (grant.admin || grant.pii || teams.length > 0) throw new Error('api keys: a write key sends events; it sees no team, is no admin key and sees no identifiers');
    if (sources.length === 0) throw new Error('api keys: a write key needs at least one source it may send (or * for any)');
    if (sources.some((source) => source === '')) throw new Error('api keys: a source name must not be empty');
    return { ...grant, kind, sources, teams };
  }
  if (sources.length > 0) throw new Error('api keys: sources are for write keys; a read key names teams or is an admin key');
  if (teams.some((team) => team === '')) throw new Error('api keys: a team name must not be empty');
  if (grant.admin && teams.length > 0) throw new Error('api keys: a key is an admin key or a team key, not both');
  if (!grant.admin && teams.length === 0) throw new Error('api keys: a team key needs at least one team');
  return { ...grant, kind, sources, teams };
}

/** Whether a write key may send events of this source. */
export function maySend(key: Pick<ApiKey, 'kind' | 'sources'>, source: string): boolean {
  return key.kind === 'write' && (key.sources.includes(ANY_SOURCE) || key.sources.includes(source));
}

/** Creates a key. The returned `key` is the only copy of the secret: show it once. */
export async function createApiKey(client: ClickHouseClient, grant: ApiKeyGrant, at = new Date()): Promise<{ keyId: string; key: string }> {
  const { kind, sources, teams, admin, pii, name } = checkGrant(grant);
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const now = at.toISOString();
  const row: KeyRowWrite = { key_id: keyId, kind, sources: [...sources], secret_hash: hashApiKeySecret(secret), teams: [...teams], admin: admin ? 1 : 0, pii: pii ? 1 : 0, name, created_at: now, revoked_at: null, updated_at: now };
  await namedInsert(client, 'api-keys.create', API_KEYS_TABLE, [row]);
  return { keyId, key: `sl_${keyId}_${secret}` };
}

async function readKeyRow(client: ClickHouseClient, keyId: string): Promise<KeyRow | undefined> {
  const [row] = await namedRead(
    client,
    'api-keys.read',
    `SELECT key_id, kind, sources, secret_hash, teams, admin, pii, name, created_at, revoked_at, updated_at
     FROM ${API_KEYS_TABLE} FINAL WHERE key_id = {keyId:String}`,
    { keyId },
    apiKeyRow,
  );
  return row;
}

/** Checks a presented key: its format, its secret (in constant time) and that it is not revoked. */
export async function verifyApiKey(client: ClickHouseClient, key: string): Promise<ApiKeyVerdict> {
  const parsed = parseApiKey(key);
  if (!parsed) return { ok: false, reason: 'malformed' };
  const row = await readKeyRow(client, parsed.keyId);
  const presented = Buffer.from(hashApiKeySecret(parsed.secret), 'hex');
  const stored = Buffer.from(row?.secret_hash ?? '', 'hex');
  // A wrong secret for a known id is the same answer as an unknown id: nothing to learn from it.
  if (!row || stored.length !== presented.length || !timingSafeEqual(stored, presented)) return { ok: false, reason: 'unknown' };
  if (row.revoked_at !== null) return { ok: false, reason: 'revoked', keyId: row.key_id };
  return { ok: true, apiKey: toApiKey(row) };
}

/** The key's record when the key is valid and not revoked; undefined otherwise. */
export async function findApiKey(client: ClickHouseClient, key: string): Promise<ApiKey | undefined> {
  const verdict = await verifyApiKey(client, key);
  return verdict.ok ? verdict.apiKey : undefined;
}

/** Every key, revoked ones too, oldest first; never a secret or its hash. */
export async function listApiKeys(client: ClickHouseClient): Promise<ApiKey[]> {
  const rows = await namedRead(
    client,
    'api-keys.list',
    `SELECT key_id, kind, sources, teams, admin, pii, name, created_at, revoked_at, updated_at
     FROM ${API_KEYS_TABLE} FINAL ORDER BY created_at, key_id`,
    {},
    keyRow,
  );
  return rows.map(toApiKey);
}

/** Revokes a key; false when no key has this id. Revoking a revoked key keeps its first revocation. */
export async function revokeApiKey(client: ClickHouseClient, keyId: string, at = new Date()): Promise<boolean> {
  const row = await readKeyRow(client, keyId);
  if (!row) return false;
  if (row.revoked_at !== null) return true;
  // The newest updated_at wins in ReplacingMergeTree: make sure this row is newer than the last.
  const updatedAt = new Date(Math.max(at.getTime(), Date.parse(iso(row.updated_at)) + 1));
  const revoked: KeyRowWrite = {
    ...row,
    admin: row.admin === 1 ? 1 : 0,
    pii: row.pii === 1 ? 1 : 0,
    revoked_at: at.toISOString(),
    updated_at: updatedAt.toISOString(),
    created_at: iso(row.created_at),
  };
  await namedInsert(client, 'api-keys.revoke', API_KEYS_TABLE, [revoked]);
  return true;
}
