import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Files named in options and variables (org maps, rules, mappings, secrets, input data). They
 * are read with the rights of whoever runs the command; no HTTP endpoint takes a file path. What
 * is checked is what a wrong path would otherwise turn into: a directory read as text, a device
 * or pipe that never ends (/dev/zero, /dev/stdin), a huge or binary file parsed as settings.
 */

/** The largest settings file read whole (an org map of many thousand queues is well under it). */
export const MAX_SETTINGS_FILE_BYTES = 10 << 20;

/** What is wrong with `path` as a file to read, in words; undefined when it is a readable file. */
export function inputFileProblem(path: string): string | undefined {
  if (path.includes('\u0000')) return 'is not a valid path (it holds a NUL character)';
  let stats;
  try {
    stats = statSync(path);
  } catch (error) {
    return errnoProblem(error);
  }
  if (stats.isDirectory()) return 'is a directory, not a file';
  if (!stats.isFile()) return 'is not a regular file (a device, pipe or socket)';
  try {
    closeSync(openSync(path, 'r'));
  } catch (error) {
    return errnoProblem(error);
  }
  return undefined;
}

function errnoProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot be read (${code ?? String(error)})`;
}

/** One problem of a settings file: the line it is on (when there is one to point at) and what is wrong. */
export interface SettingsProblem {
  line?: number | undefined;
  problem: string;
}

/**
 * A settings file (org map, alert rules, CSV mapping, lookup files, a secret) that cannot be
 * used: one line per problem, "<file>:<line>: <problem>", led by the setting that named the file
 * when there is one ("ZENDESK_USERS: users.yaml:3: ...").
 */
export class SettingsFileError extends Error {
  override readonly name = 'SettingsFileError';
  readonly details: readonly SettingsProblem[];
  constructor(
    readonly file: string,
    problems: string | readonly SettingsProblem[],
    readonly setting?: string,
  ) {
    const details = typeof problems === 'string' ? [{ problem: problems }] : problems;
    const lead = setting ? `${setting}: ` : '';
    super(details.map((p) => `${lead}${file}${p.line === undefined ? '' : `:${p.line}`}: ${p.problem}`).join('\n'));
    this.details = details;
  }

  /** The problems without the file name ("line 3: columns.type: missing"), for a list under it. */
  get problems(): string[] {
    return this.details.map((p) => (p.line === undefined ? p.problem : `line ${p.line}: ${p.problem}`));
  }
}

/**
 * Reads a settings file (YAML, JSON, a secret) whole as UTF-8 text, refusing what is not a
 * regular file, what is larger than `maxBytes`, and what holds NUL bytes (not text).
 */
export function readSettingsFile(path: string, maxBytes = MAX_SETTINGS_FILE_BYTES): string {
  const problem = inputFileProblem(path);
  if (problem) throw new SettingsFileError(path, problem);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) throw new SettingsFileError(path, `is ${size} bytes; a settings file may have at most ${maxBytes}`);
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    const bytes = buffer.subarray(0, read);
    if (bytes.includes(0)) throw new SettingsFileError(path, 'is not a text file (it holds NUL bytes)');
    return bytes.toString('utf8');
  } finally {
    closeSync(fd);
  }
}
