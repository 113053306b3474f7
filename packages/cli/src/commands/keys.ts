import type { Command } from 'commander';
import { createApiKey, listApiKeys, parseApiKey, revokeApiKey, type ApiKey } from '@seamline/clickhouse';
import { loadCliConfig } from '../env.ts';
import { openRuntime, type Runtime } from '../embedded/runtime.ts';

interface CreateFlags {
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

const scopeOf = (key: Pick<ApiKey, 'admin' | 'teams'>) => (key.admin ? 'admin' : `teams: ${key.teams.join(', ')}`);

function describeKey(key: ApiKey): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : 'active';
  return `${key.keyId}  ${state.padEnd(33)}  ${scopeOf(key)}${key.pii ? '  [pii]' : ''}${key.name ? `  "${key.name}"` : ''}  created ${key.createdAt}`;
}

/** Refuses a create that names neither or both of --team and --admin, saying what to give. */
export function checkCreateFlags(flags: Pick<CreateFlags, 'team' | 'admin'>): void {
  if (flags.admin && flags.team.length > 0) {
    throw new Error('keys create: give --team or --admin, not both (an admin key already sees every team)');
  }
  if (!flags.admin && flags.team.length === 0) {
    throw new Error('keys create: neither --team nor --admin given: name the teams the key may see (--team T, repeatable) or give --admin');
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys of the metric API (only a hash of each key is stored)');
  keys
    .command('create')
    .description('create a key for one or more teams, or an admin key; the key is printed once')
    .option('--team <team>', 'a team the key may see (repeat for several)', (team: string, teams: string[]) => [...teams, team], [])
    .option('--admin', 'every team, silo- and organisation-wide figures')
    .option('--pii', 'may see customer identifiers (email, phone, ...) unmasked')
    .option('--name <name>', 'a label for people, e.g. "billing dashboard"', '')
    .option('--json', 'print JSON')
    .action(async (flags: CreateFlags) => {
      checkCreateFlags(flags);
      const grant = { teams: flags.team, admin: Boolean(flags.admin), pii: Boolean(flags.pii), name: flags.name ?? '' };
      const { keyId, key } = await withStore((runtime) => createApiKey(runtime.clickhouse.client, grant));
      if (flags.json) {
        console.log(JSON.stringify({ keyId, key, ...grant }));
        return;
      }
      console.log(`key id  ${keyId}`);
      console.log(`key     ${key}`);
      console.error(`This is the only time the key is shown: store it now. It sees ${scopeOf(grant)}${grant.pii ? ', identifiers unmasked' : ', identifiers masked'}.`);
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
    .description('disable a key (the metric API refuses it within 10 seconds)')
    .argument('<keyId>', 'the key id, as `keys create` and `keys list` print it (the whole key works too)')
    .action(async (given: string) => {
      const keyId = parseApiKey(given)?.keyId ?? given;
      const found = await withStore((runtime) => revokeApiKey(runtime.clickhouse.client, keyId));
      if (!found) throw new Error(`keys revoke: no API key with id "${keyId}" (see \`seamline keys list\`)`);
      console.log(`revoked ${keyId}`);
    });
}
