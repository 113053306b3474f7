import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

export interface ServiceProcess {
  child: ChildProcess;
  /** Everything the process wrote so far, stdout and stderr together. */
  output(): string;
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>;
}

export type ServiceName = 'ingest' | 'stitcher' | 'metrics-api' | 'alerts';

/** Starts a service's server.ts as a real process, from its TypeScript sources. */
export function startService(service: ServiceName, env: Record<string, string>): ServiceProcess {
  return startScript(`services/${service}/src/server.ts`, [], env);
}

/**
 * Starts a service as a deployment does: its compiled JavaScript (`npm run build`) with node,
 * every workspace it imports resolved to its compiled entry (the seamline-compiled condition).
 */
export function startCompiledService(service: ServiceName, env: Record<string, string>): ServiceProcess {
  return startNode(['--conditions=seamline-compiled', `services/${service}/dist/server.js`], env);
}

/** Runs a TypeScript entry point of the repository (a path from its root) as a process of its own. */
export function startScript(script: string, args: string[], env: Record<string, string>): ServiceProcess {
  return startNode(['--import', 'tsx', script, ...args], env);
}

function startNode(args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { child, output: () => output, exited };
}

/**
 * The peak resident set (VmHWM) of a live process, in bytes, from /proc (Linux); undefined
 * where /proc is missing or the process is gone. Read it just before stopping the process.
 */
export function peakRssBytes(pid: number | undefined = process.pid): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}
