import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SettingsFileError, inputFileProblem, readSettingsFile } from './files.ts';

describe('files named in options and variables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seamline-files-'));
  const text = join(dir, 'org.yaml');
  writeFileSync(text, 'queues: {}\n');

  it('reads a text file whole', () => {
    expect(inputFileProblem(text)).toBeUndefined();
    expect(readSettingsFile(text)).toBe('queues: {}\n');
  });

  it('names what is wrong with anything else, without reading it', () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(inputFileProblem(join(dir, 'missing.yaml'))).toBe('file not found');
    expect(inputFileProblem(join(text, 'below-a-file'))).toBe('file not found');
    expect(inputFileProblem(dir)).toBe('is a directory, not a file');
    expect(inputFileProblem('/dev/zero')).toBe('is not a regular file (a device, pipe or socket)');
    expect(inputFileProblem(fifo)).toBe('is not a regular file (a device, pipe or socket)');
    expect(inputFileProblem(`${text}\u0000.yaml`)).toBe('is not a valid path (it holds a NUL character)');
    expect(() => readSettingsFile('/dev/zero')).toThrow(new SettingsFileError('/dev/zero', 'is not a regular file (a device, pipe or socket)'));
  });

  it('refuses settings files that are too large or not text', () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, 'x'.repeat(2_000));
    expect(() => readSettingsFile(big, 1_000)).toThrow(`${big}: is 2000 bytes; a settings file may have at most 1000`);
    const binary = join(dir, 'org.yaml.gz');
    writeFileSync(binary, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x61]));
    expect(() => readSettingsFile(binary)).toThrow(`${binary}: is not a text file (it holds NUL bytes)`);
  });
});
