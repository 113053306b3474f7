import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadZendeskGroups, loadZendeskUsers } from './zendesk-groups.ts';

const dir = mkdtempSync(join(tmpdir(), 'seamline-zendesk-lookups-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('Zendesk lookup files', () => {
  it('reads users as id -> email and phone, from YAML or JSON', async () => {
    expect(await loadZendeskUsers(file('users.yaml', '"5158": { email: rita@example.org }\n"9002": { phone: "+1 415 555 0142" }\n'))).toEqual({
      '5158': { email: 'rita@example.org' },
      '9002': { phone: '+1 415 555 0142' },
    });
    expect(await loadZendeskUsers(undefined)).toEqual({});
  });

  it('names the setting, the file and the entry that is wrong', async () => {
    const noContact = file('bad-users.json', '{"5158": {}}');
    await expect(loadZendeskUsers(noContact)).rejects.toThrow(`ZENDESK_USERS: ${noContact}: 5158: needs an email or a phone`);
    const badId = file('bad-groups.json', '{"billing": "Billing"}');
    await expect(loadZendeskGroups(badId)).rejects.toThrow(`ZENDESK_GROUPS: ${badId}: billing: ids are numbers`);
    await expect(loadZendeskUsers(join(dir, 'missing.json'))).rejects.toThrow(/^ZENDESK_USERS: /);
  });
});
