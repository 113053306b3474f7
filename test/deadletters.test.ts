import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testStack } from '@seamline/infra/testing';
import { runCli } from './support/cli.ts';

const event = (id: string, customer: Record<string, string>, type = 'ticket.created') =>
  JSON.stringify({ id, type, occurredAt: '2026-03-02T09:00:00Z', source: 'zendesk', customer, contactId: id, queue: 'Q1', channel: 'email' });

describe('dead letters through the CLI', () => {
  const stack = testStack();
  const dir = mkdtempSync(join(tmpdir(), 'seamline-dl-'));
  const env = {
    SEAMLINE_DATA_DIR: dir,
    CLICKHOUSE_DATABASE: `seamline_dl_${process.pid}`,
    ...(stack.clickhouseUrl && { CLICKHOUSE_URL: stack.clickhouseUrl }),
  };
  const strict = { ...env, SEAMLINE_BLOCKED_IDENTIFIERS: 'anonymous,unknown,n/a,guest' };
  const json = (run: { stdout: string }) => JSON.parse(run.stdout) as Record<string, number>;

  it('are counted once per input, listed by reason, and replayed once after the cause is fixed', async () => {
    const file = join(dir, 'events.ndjson');
    writeFileSync(
      file,
      [
        event('ok-1', { email: 'a@x.com' }),
        event('guest-1', { crmId: 'guest' }), // blocked while "guest" is on the list
        event('bad-type', { email: 'b@x.com' }, 'ticket.vanished'),
        'this line is not JSON',
      ].join('\n'),
    );
    expect(json(await runCli(['ingest', file, '--json'], strict))).toEqual({ accepted: 1, duplicates: 0, deadLetters: 3 });
    // The same file again: the event is a duplicate and the same three letters are not stored twice.
    expect(json(await runCli(['ingest', file, '--json'], strict))).toEqual({ accepted: 0, duplicates: 1, deadLetters: 3 });
    const listed = (await runCli(['deadletters', 'list', '--json'], strict)).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(listed).toHaveLength(3);
    expect(listed.map((l) => l.reason).sort()).toEqual([
      'customer: no valid identifier (crmId blocked value)',
      'line 4: not valid JSON',
      expect.stringMatching(/^type: /),
    ]);
    const byReason = (await runCli(['deadletters', 'list', '--reason', 'type', '--json'], strict)).stdout.trim().split('\n');
    expect(byReason).toHaveLength(1);
    const counts = json(await runCli(['deadletters', 'count', '--json'], strict));
    expect(Object.values(counts)).toEqual([1, 1, 1]);
    expect(counts['line 4: not valid JSON']).toBe(1);

    // Still blocked: replay changes nothing.
    expect(json(await runCli(['deadletters', 'replay', '--json'], strict))).toEqual({ replayed: 0, accepted: 0, duplicates: 0, stillFailing: 3 });
    // The fix: "guest" no longer blocked. The letter passes, its event is stored once, the letter is marked.
    expect(json(await runCli(['deadletters', 'replay', '--json'], env))).toEqual({ replayed: 1, accepted: 1, duplicates: 0, stillFailing: 2 });
    expect(json(await runCli(['deadletters', 'replay', '--json'], env))).toEqual({ replayed: 0, accepted: 0, duplicates: 0, stillFailing: 2 });
    const remaining = (await runCli(['deadletters', 'list', '--json'], env)).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(remaining.map((l) => l.replayed)).toEqual([false, false]);
    const all = (await runCli(['deadletters', 'list', '--all', '--json'], env)).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(all.filter((l) => l.replayed).map((l) => JSON.parse(l.payload).id)).toEqual(['guest-1']);
    // Ingesting the original file again: both events are now duplicates.
    expect(json(await runCli(['ingest', file, '--json'], env))).toMatchObject({ accepted: 0, duplicates: 2 });
  });
});
