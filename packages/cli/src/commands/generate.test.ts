import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { generateEvents } from '@seamline/generator';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerGenerate } from './generate.ts';

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'seamline-generate-'));
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(scratch, { recursive: true, force: true });
});

/** `seamline generate <args>` as main.ts runs it; answers what commander wrote as an error. */
async function generate(args: string[]): Promise<{ error: string }> {
  let error = '';
  const program = new Command('seamline').exitOverride().configureOutput({ writeErr: (text) => (error += text), writeOut: () => {} });
  registerGenerate(program);
  try {
    await program.parseAsync(['generate', ...args], { from: 'user' });
  } catch (thrown) {
    if (!(thrown instanceof CommanderError)) throw thrown;
  }
  return { error };
}

async function written(): Promise<string> {
  return readFile(join(scratch, 'events.ndjson'), 'utf8');
}

function expected(order: 'time' | 'customer' | 'shuffled'): string {
  return [...generateEvents({ events: 500, seed: 3, days: 90, order })].map((event) => `${JSON.stringify(event)}\n`).join('');
}

describe('seamline generate', () => {
  it('writes the stream in time order by default', async () => {
    expect((await generate(['--events', '500', '--seed', '3', '--out', scratch])).error).toBe('');
    expect(await written()).toBe(expected('time'));
  });

  it('writes the order asked for with --order', async () => {
    for (const order of ['time', 'customer', 'shuffled'] as const) {
      await generate(['--events', '500', '--seed', '3', '--out', scratch, '--order', order]);
      expect(await written()).toBe(expected(order));
    }
  });

  it('refuses another order, naming the option and the orders it knows', async () => {
    const { error } = await generate(['--events', '500', '--out', scratch, '--order', 'random']);
    expect(error).toMatch(/--order/);
    expect(error).toMatch(/random/);
    expect(error).toMatch(/time, customer, shuffled/);
  });
});
