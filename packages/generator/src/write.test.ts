import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateCanonicalEvent } from '@seamline/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateEvents } from './generate.ts';
import { sampleOrgMap } from './org.ts';
import { writeSample } from './write.ts';

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'seamline-generator-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('writeSample', () => {
  it('writes one parseable, valid event per line and the org map, creating the folder', async () => {
    const outDir = join(scratch, 'nested', 'sample');
    const files = await writeSample({ events: 25_000, seed: 3, outDir });

    expect(files).toEqual({ eventsFile: join(outDir, 'events.ndjson'), orgMapFile: join(outDir, 'org.json'), events: 25_000 });
    const lines = (await readFile(files.eventsFile, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(25_000);
    const invalid = lines.filter((line) => !validateCanonicalEvent(JSON.parse(line)).ok);
    expect(invalid).toEqual([]);
    expect(JSON.parse(await readFile(files.orgMapFile, 'utf8'))).toEqual(sampleOrgMap());
  });

  it('writes exactly what generateEvents yields for the same options', async () => {
    const files = await writeSample({ events: 1_000, seed: 4, outDir: scratch, days: 30 });
    const expected = [...generateEvents({ events: 1_000, seed: 4, days: 30 })].map((event) => `${JSON.stringify(event)}\n`).join('');
    expect(await readFile(files.eventsFile, 'utf8')).toBe(expected);
  });

  it('reports progress every 10,000 events and once more at the end', async () => {
    const reported: number[] = [];
    await writeSample({ events: 25_000, seed: 5, outDir: scratch, onProgress: (written) => reported.push(written) });
    expect(reported).toEqual([10_000, 20_000, 25_000]);
  });

  it('writes an empty events file for a sample of no events', async () => {
    const files = await writeSample({ events: 0, seed: 5, outDir: scratch });
    expect(files.events).toBe(0);
    expect(await readFile(files.eventsFile, 'utf8')).toBe('');
  });

  it('fails with the file system error when the folder cannot be created', async () => {
    const aFile = join(scratch, 'a-file');
    await writeFile(aFile, '');
    await expect(writeSample({ events: 1, seed: 5, outDir: join(aFile, 'below') })).rejects.toThrow(/ENOTDIR/);
  });
});
