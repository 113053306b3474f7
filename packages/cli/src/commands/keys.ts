import type { Command } from 'commander';
import { ANY_SOURCE, createApiKey, listApiKeys, parseApiKey, revokeApiKey, type ApiKey, type ApiKeyGrant } from '@seamline/clickhouse';
import { loadCliConfig } from '../env.ts';
import { openRuntime, type Runtime } from '../embedded/runtime.ts';

interface CreateFlags {
  write?: boolean;
  source: string[];
  team: string[];
  admin?: boolean;
  pii?: boolean;
  name?: string;
  json?: boolean;
}

async function withStore<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(loadCliConfig(), { quiet: true });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

const scopeOf = (key: Pick<ApiKey, 'admin' | 'teams'> & Pick<ApiKeyGrant, 'kind' | 'sources'>) =>
  key.kind === 'write' ? `write, sources: ${(key.sources ?? []).join(', ')}` : key.admin ? 'admin' : `teams: ${key.teams.join(', ')}`;

function describeKey(key: ApiKey): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : 'active';
  return `${key.keyId}  ${state.padEnd(33)}  ${scopeOf(key)}${key.pii ? '  [pii]' : ''}${key.name ? `  "${key.name}"` : ''}  created ${key.createdAt}`;
}

/** Refuses a create that names neither or both of --team and --admin, or a write key without sources, saying what to give. */
export function checkCreateFlags(flags: Pick<CreateFlags, 'team' | 'admin'> & Partial<Pick<CreateFlags, 'write' | 'source' | 'pii'>>): void {
  const sources = flags.source ?? [];
  if (flags.write) {
    if (flags.admin || flags.pii || flags.team.length > 0) throw new Error('keys create: a write key sends events; give --source, not --team, --admin or --pii');
    if (sources.length === 0) throw new Error(`keys create: --write needs the sources the key may send: --source S (repeatable), or --source '${ANY_SOURCE}' for any`);
    return;
  }
  if (sources.length > 0) throw new Error('keys create: --source is for write keys: add --write');
  if (flags.admin && flags.team.length > 0) {
    throw new Error('keys create: give --team or --admin, not both (an admin key already sees every team)');
  }
  if (!flags.admin && flags.team.length === 0) {
    throw new Error('keys create: neither --team nor --admin given: name the teams the key may see (--team T, repeatable) or give --admin');
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys: read keys of the metric API, write keys of the ingest API (only a hash of each key is stored)');
  keys
    .command('create')
    .description('create a read key for one or more teams, an admin key, or a write key for event sources; the key is printed once')
    .option('--write', 'a write key: may POST events of its sources to the ingest API, and read nothing')
    .option('--source <source>', `write keys: an event source the key may send, e.g. zendesk (repeat for several; '${ANY_SOURCE}' for any)`, (source: string, sources: string[]) => [...sources, source], [])
    .option('--team <team>', 'a team the key may see (repeat for several)', (team: string, teams: string[]) => [...teams, team], [])
    .option('--admin', 'every team, silo- and organisation-wide figures')
    .option('--pii', 'may see customer identifiers (email, phone, ...) unmasked')
    .option('--name <name>', 'a label for people, e.g. "billing dashboard"', '')
    .option('--json', 'print JSON')
    .action(async (flags: CreateFlags) => {
      checkCreateFlags(flags);
      const grant: ApiKeyGrant = flags.write
        ? { kind: 'write', sources: flags.source, teams: [], admin: false, pii: false, name: flags.name ?? '' }
        : { teams: flags.team, admin: Boolean(flags.admin), pii: Boolean(flags.pii), name: flags.name ?? '' };
      const { keyId, key } = await withStore((runtime) => createApiKey(runtime.clickhouse.client, grant));
      if (flags.json) {
        console.log(JSON.stringify({ keyId, key, ...grant }));
        return;
      }
      console.log(`key id  ${keyId}`);
      console.log(`key     ${key}`);
      const may = grant.kind === 'write' ? `may send events of ${(grant.sources ?? []).join(', ')} to the ingest API` : `sees ${scopeOf(grant)}${grant.pii ? ', identifiers unmasked' : ', identifiers masked'}`;
      console.error(`This is the only time the key is shown: store it now. It ${may}.`);
      console.error('Send it as "Authorization: Bearer <key>"; `seamline keys revoke <key id>` disables it.');
    });
  keys
    .command('list')
    .description('every key, revoked ones too (never the keys themselves)')
    .option('--json', 'print JSON lines')
    .action(async (flags: { json?: boolean }) => {
      const all = await withStore((runtime) => listApiKeys(runtime.clickhouse.client));
      for (const key of all) console.log(flags.json ? JSON.stringify(key) : describeKey(key));
      if (!flags.json) console.error(`${all.length} key(s), ${all.filter((key) => !key.revokedAt).length} active`);
    });
  keys
    .command('revoke')
    .description('disable a key (the metric and ingest APIs refuse it within 10 seconds)')
    .argument('<keyId>', 'the key id, as `keys create` and `keys list` print it (the whole key works too)')
    .action(async (given: string) => {
      const keyId = parseApiKey(given)?.keyId ?? given;
      const found = await withStore((runtime) => revokeApiKey(runtime.clickhouse.client, keyId));
      if (!found) throw new Error(`keys revoke: no API key with id "${keyId}" (see \`seamline keys list\`)`);
      console.log(`revoked ${keyId}`);
    });
}
