import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { orgMapFromFile } from './org-map-source.ts';
import type { OrgMap } from './org-map.ts';

const quiet = { info: () => {} };

describe('the org map source', () => {
  it('is the empty map without a file, and a reload keeps it', async () => {
    const source = await orgMapFromFile(undefined, quiet);
    expect(source.current()).toEqual({ queues: {} });
    expect(await source.reload()).toEqual({ queues: {} });
  });

  it('puts a reloaded map in force and tells onChange; a broken file leaves the map in force', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'org-map-source-')), 'org.yaml');
    writeFileSync(file, 'queues:\n  Q1: { team: t1, silo: s1 }\n');
    const changes: OrgMap[] = [];
    const source = await orgMapFromFile(file, quiet, { setting: 'SEAMLINE_ORG_MAP', onChange: (map) => void changes.push(map) });
    writeFileSync(file, 'queues:\n  Q1: { team: t1, silo: s1 }\n  Q2: { team: t2, silo: s2 }\n');
    await source.reload();
    expect(Object.keys(source.current().queues)).toEqual(['Q1', 'Q2']);
    expect(changes).toEqual([source.current()]);

    writeFileSync(file, 'queues:\n  Q1: { team: t1 }\n');
    await expect(source.reload()).rejects.toThrow(`SEAMLINE_ORG_MAP: ${file}:2: queues.Q1.silo: missing (expected string)`);
    expect(Object.keys(source.current().queues)).toEqual(['Q1', 'Q2']);
    expect(changes).toHaveLength(1);
  });
});
