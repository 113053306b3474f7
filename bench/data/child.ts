import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { peakRssBytes } from '@seamline/infra/service-process';

/** The repository root: children run from here, as `npx seamline` does. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SEAMLINE_BIN = join(REPO_ROOT, 'packages/cli/bin/seamline.js');

/** How often a child's peak resident set (VmHWM) is read while it runs. */
export const RSS_POLL_MS = 200;
const STDERR_TAIL_CHARS = 64 * 1024;
const KILL_GRACE_MS = 5_000;

export const MIB = 1024 * 1024;
export const toMiB = (bytes: number | undefined): number | null => (bytes === undefined ? null : Math.round((bytes / MIB) * 10) / 10);

/**
 * A child's environment: only what a person's shell would pass and what is given. Nothing of
 * the runner's own settings leaks in, above all not KAFKA_BROKERS or CLICKHOUSE_URL, which
 * would send `seamline ingest` to Kafka or a server instead of the embedded store.
 */
export function childEnv(extra: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  if (process.env.TMPDIR) base.TMPDIR = process.env.TMPDIR;
  return { ...base, ...extra };
}

export interface ChildRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  /** The last 64 KiB of what the child wrote to stderr. */
  stderr: string;
  /** From just before spawn to the child's exit. */
  wallMs: number;
  /** The last VmHWM read before the child exited (polled every RSS_POLL_MS); undefined without /proc. */
  peakRssBytes: number | undefined;
}

export interface RunChildOptions {
  env: Record<string, string>;
  signal: AbortSignal;
  /** Killed (and the run rejected) when it runs longer. */
  timeoutMs: number;
  /** Called every `everyMs` while the child runs, e.g. to print progress. */
  tick?: { everyMs: number; fn: (pid: number, stderrTail: string) => void };
}

/** Runs `node <args>` from the repository root; resolves when it exited, whatever the code. */
export function runNode(args: string[], options: RunChildOptions): Promise<ChildRun> {
  if (options.signal.aborted) return Promise.reject(new Error('aborted'));
  return new Promise<ChildRun>((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    let stdout = '';
    let stderr = '';
    let peak: number | undefined;
    let exitedAt: number | undefined;
    let failure: Error | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 2 * STDERR_TAIL_CHARS) stderr = stderr.slice(-STDERR_TAIL_CHARS);
    });

    const readPeak = () => {
      const value = peakRssBytes(pid);
      if (value !== undefined) peak = value;
    };
    readPeak();
    const poll = setInterval(readPeak, RSS_POLL_MS);
    const ticker = options.tick && pid !== undefined ? setInterval(() => options.tick!.fn(pid, stderr), options.tick.everyMs) : undefined;

    let killTimer: NodeJS.Timeout | undefined;
    const stop = (error: Error) => {
      if (exitedAt !== undefined || failure) return;
      failure = error;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop(new Error(`node ${args.join(' ')}: did not finish within ${Math.round(options.timeoutMs / 1000)} s`)), options.timeoutMs);
    const onAbort = () => stop(new Error('aborted'));
    options.signal.addEventListener('abort', onAbort, { once: true });

    child.once('exit', () => {
      exitedAt = performance.now();
      clearInterval(poll);
      if (ticker) clearInterval(ticker);
    });
    child.once('error', (error) => stop(error));
    child.once('close', (code, signal) => {
      clearInterval(poll);
      if (ticker) clearInterval(ticker);
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      if (failure) return reject(failure);
      const wallMs = (exitedAt ?? performance.now()) - started;
      resolve({ code, signal, stdout, stderr: stderr.slice(-STDERR_TAIL_CHARS), wallMs, peakRssBytes: peak });
    });
  });
}

/** Runs `seamline <args>` as a person would (`node packages/cli/bin/seamline.js`); throws unless it exits 0. */
export async function runSeamline(args: string[], options: RunChildOptions): Promise<ChildRun> {
  const run = await runNode([SEAMLINE_BIN, ...args], options);
  if (run.code !== 0) {
    const why = run.code === null ? `was killed by ${run.signal}` : `exited with code ${run.code}`;
    throw new Error(`seamline ${args.join(' ')} ${why}:\n${run.stderr.trim().split('\n').slice(-20).join('\n')}`);
  }
  return run;
}

/**
 * How far a process has read a file: the offset of its descriptor open on `file`, from
 * /proc/<pid>/fdinfo (Linux). Undefined when it has no such descriptor (yet) or /proc is missing.
 */
export function fileOffset(pid: number, file: string): number | undefined {
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      if (target !== file) continue;
      const pos = /^pos:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
      if (pos !== undefined) return Number(pos);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** Bytes of the files under `dir`, recursively (0 when it is missing). */
export function dirBytes(dir: string): number {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += dirBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; undefined without it. */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 on: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Waits until a process has gone quiet (under 10% of a core over a second), e.g. until a server
 * has worked off requests a load generator stopped waiting for. Resolves with the time waited;
 * at once when /proc is missing, after `maxMs` at the latest.
 */
export async function waitIdle(pid: number | undefined, maxMs: number, signal: AbortSignal): Promise<number> {
  const started = performance.now();
  let before = cpuSeconds(pid);
  while (before !== undefined && performance.now() - started < maxMs && !signal.aborted) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = cpuSeconds(pid);
    if (after === undefined || after - before < 0.1) break;
    before = after;
  }
  return Math.round(performance.now() - started);
}
