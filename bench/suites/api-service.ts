import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { ServiceProcess } from '@seamline/infra/service-process';
import { sleep } from '../slots.ts';

// The api suite's metrics-api process: a free port, the tail of its log, ready and stopped.

const READY_TIMEOUT_MS = 300_000;
const STOP_GRACE_MS = 15_000;
const SERVICE_LOG_TAIL_CHARS = 64 * 1024;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/**
 * The service logs two lines per request at info: only the last 64 KiB of its output are kept
 * (for the error message when it fails), instead of everything.
 */
export function keepTail(service: ServiceProcess): { tail(): string } {
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail += chunk.toString();
    if (tail.length > 2 * SERVICE_LOG_TAIL_CHARS) tail = tail.slice(-SERVICE_LOG_TAIL_CHARS);
  };
  for (const stream of [service.child.stdout, service.child.stderr]) {
    stream?.removeAllListeners('data');
    stream?.on('data', keep);
  }
  return { tail: () => tail.slice(-SERVICE_LOG_TAIL_CHARS) };
}

export async function waitReady(baseUrl: string, service: ServiceProcess, log: { tail(): string }, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  let exited = false;
  void service.exited.then(() => (exited = true));
  while (performance.now() < deadline) {
    if (signal.aborted) throw new Error('aborted');
    if (exited) throw new Error(`metrics-api exited before it was ready:\n${log.tail().slice(-4000)}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(5_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`metrics-api was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${log.tail().slice(-4000)}`);
}

/** SIGTERM (it closes the store), SIGKILL when it has not exited within the grace period. */
export async function stopService(service: ServiceProcess): Promise<void> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return;
  service.child.kill('SIGTERM');
  const exited = await Promise.race([service.exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!exited) {
    service.child.kill('SIGKILL');
    await service.exited;
  }
}
