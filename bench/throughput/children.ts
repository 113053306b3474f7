import { fork } from 'node:child_process';
import { createLogger, type Logger } from '@seamline/log';

/**
 * The throughput suite's own child processes (the consume-only baseline, the bulk insert, the
 * HTTP load, the stored-events count): each gets one config message over IPC, may send progress,
 * and ends with one report or failure. Running them apart keeps their CPU and memory their own,
 * and keeps the embedded engine out of the benchmark process.
 */
export type ChildMessage<Report, Progress> =
  | { kind: 'progress'; progress: Progress }
  | { kind: 'report'; report: Report }
  | { kind: 'failed'; error: string };

export interface RunChildOptions<Progress> {
  /** For error messages: "the consume-only consumer". */
  what: string;
  signal: AbortSignal;
  /** The child is killed when it has not reported within this long. */
  boundMs: number;
  onProgress?: (progress: Progress) => void;
}

/** Forks a child module (run through tsx), hands it its config, and resolves with its report. */
export function runChild<Config, Report, Progress = never>(module: URL, config: Config, options: RunChildOptions<Progress>): Promise<Report> {
  const { what, signal, boundMs } = options;
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  const child = fork(module, [], { execArgv: ['--import', 'tsx'] });
  return new Promise<Report>((resolve, reject) => {
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    // Rejects once the child is gone (or after a bound), so its files can be removed after.
    const stop = (error: Error) => {
      if (settled) return;
      settle();
      if (child.exitCode !== null || child.signalCode !== null) return reject(error);
      const gone = setTimeout(() => reject(error), 5_000);
      child.once('exit', () => {
        clearTimeout(gone);
        reject(error);
      });
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop(new Error(`${what} did not finish within ${boundMs} ms`)), boundMs);
    const onAbort = () => stop(new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('message', (message: ChildMessage<Report, Progress>) => {
      if (settled) return;
      if (message.kind === 'progress') options.onProgress?.(message.progress);
      else if (message.kind === 'report') {
        settle();
        resolve(message.report);
      } else {
        settle();
        reject(new Error(`${what} failed: ${message.error}`));
      }
    });
    child.once('error', (error) => stop(error));
    child.once('exit', (code, exitSignal) => {
      if (settled) return;
      settle();
      reject(new Error(`${what} exited (${code ?? exitSignal}) before reporting`));
    });
    child.send(config as object);
  });
}

/**
 * The child's side: waits for its config, runs the work, sends the report (or the failure) and
 * exits once it is handed over. Client libraries may hold sockets or timers; nothing is kept.
 */
export function serveChild<Config, Report, Progress = never>(
  work: (config: Config, progress: (progress: Progress) => void) => Promise<Report>,
): void {
  const send = (message: ChildMessage<Report, Progress>, then?: () => void) => process.send?.(message, undefined, undefined, then);
  process.once('message', (config: Config) => {
    const exit = () => process.exit(0);
    work(config, (progress) => send({ kind: 'progress', progress })).then(
      (report) => send({ kind: 'report', report }, exit),
      (error: unknown) => send({ kind: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, exit),
    );
  });
  // The parent gone (killed, aborted): nothing left to report to.
  process.once('disconnect', () => process.exit(1));
}

/** CPU seconds, user and system, and as cores over a wall time. */
export interface CpuSeconds {
  userS: number;
  systemS: number;
  cores: number;
}

/** CPU time `used` (microseconds, as process.cpuUsage gives it) in seconds, and as cores over `wallMs`. */
export function cpuSeconds(used: NodeJS.CpuUsage, wallMs: number): CpuSeconds {
  return {
    userS: round1(used.user / 1e6),
    systemS: round1(used.system / 1e6),
    cores: wallMs > 0 ? Math.round(((used.user + used.system) / 1e3 / wallMs) * 100) / 100 : 0,
  };
}

/** CPU seconds of this process since `since`, and as cores over `wallMs`. */
export const cpuSince = (since: NodeJS.CpuUsage, wallMs: number): CpuSeconds => cpuSeconds(process.cpuUsage(since), wallMs);

/** The most memory this process has held, in bytes. */
export const ownPeakRssBytes = (): number => process.resourceUsage().maxRSS * 1024;

/** A child's logger: warnings and errors only, on stderr. */
export const childLogger = (service: string): Logger => createLogger({ service, level: 'warn', destination: 'stderr', pretty: false });

export const round1 = (value: number) => Math.round(value * 10) / 10;

/** Epoch milliseconds with sub-millisecond resolution, comparable across processes of one machine. */
export const epochMs = () => performance.timeOrigin + performance.now();
