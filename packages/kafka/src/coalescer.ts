import type { BatchHandler, IncomingMessage } from './messages.ts';

/** How a failed handler call is tried again: the same messages, after a growing pause. */
export interface RetryPolicy {
  /** The first pause (default 500 ms); each next one doubles, up to maxMs. */
  initialMs?: number;
  /** The longest pause (default 30 s). */
  maxMs?: number;
  /** False once the consumer is stopping: the retries end and the batch stays uncommitted. */
  isRunning: () => boolean;
  /** Told of each failure before its pause (logs, metrics). */
  onRetry?: (error: unknown, attempt: number, pauseMs: number) => void;
  /** Told when a call succeeds after failures. */
  onRecovered?: (attempts: number) => void;
}

/** The longest wait between heartbeats while a batch is handled or a retry pauses (well under any session timeout). */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * After a failed attempt: pauses, then calls `handle` until it succeeds. While it pauses it keeps
 * heartbeating, so the group does not hand its partitions to another member for an outage of
 * ClickHouse; a heartbeat that fails (a rebalance, a broker gone) ends the retries with that error.
 */
async function retryAfter(firstError: unknown, handle: () => Promise<void>, heartbeat: () => Promise<void>, policy: RetryPolicy): Promise<void> {
  const initial = policy.initialMs ?? 500;
  const max = policy.maxMs ?? 30_000;
  let error = firstError;
  for (let attempt = 1; ; attempt++) {
    if (!policy.isRunning()) throw error;
    const pause = Math.min(max, initial * 2 ** (attempt - 1));
    policy.onRetry?.(error, attempt, pause);
    for (let waited = 0; waited < pause; waited += HEARTBEAT_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(HEARTBEAT_EVERY_MS, pause - waited)));
      if (!policy.isRunning()) throw error;
      await heartbeat();
    }
    try {
      await handle();
      policy.onRecovered?.(attempt);
      return;
    } catch (failed) {
      error = failed;
    }
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** One handler call: a slice of the messages of the callers that were merged. */
interface Job {
  messages: IncomingMessage[];
  heartbeat: () => Promise<void>;
  /** Resolves when the call is prepared (the callers may go on); carries `written`. */
  prepared: Deferred<{ written: Promise<void> }>;
  /** Settles when the call's writes are acknowledged, after any retries. */
  written: Deferred<void>;
}

/** A job handed to the handler, and its writes (rejected when the handler failed at once). */
interface Started {
  job: Job;
  written: Promise<void>;
  failedAtOnce: boolean;
}

/**
 * Merges the batches of partitions consumed concurrently into one handler call, and lets the
 * next call be prepared while one is written: at most two in flight, written in order.
 *
 * Every batch costs the handler a fixed number of round trips to ClickHouse, so a few large
 * batches keep up where many small per-partition ones fall behind. A caller's `add` resolves
 * once the call holding its messages is prepared, with a promise that settles when it is
 * written. A failed call is tried again (see RetryPolicy), alone, before any later one runs; the
 * call prepared beside it is prepared again after it.
 */
export function createCoalescer(handle: BatchHandler, options: { maxMessages: number; lingerMs: number; retry: RetryPolicy }) {
  let pending: Array<{ messages: IncomingMessage[]; heartbeat: () => Promise<void>; job: Deferred<Job> }> = [];
  const queue: Job[] = [];
  let timer: NodeJS.Timeout | undefined;
  let active: Promise<void> | undefined;
  let lastHeartbeat: () => Promise<void> = async () => {};

  async function start(job: Job): Promise<Started> {
    lastHeartbeat = job.heartbeat;
    let started: Started;
    try {
      const result = await handle(job.messages);
      started = { job, written: result ? result.written : Promise.resolve(), failedAtOnce: false };
    } catch (error) {
      started = { job, written: Promise.reject(error), failedAtOnce: true };
    }
    started.written.catch(() => {}); // settled in `settle`
    job.prepared.resolve({ written: job.written.promise });
    return started;
  }

  /** Waits for a call's writes. On failure: once the call beside it settled, tries it alone, then prepares that one again. */
  async function settle(writing: Started, beside: Started | undefined): Promise<Started | undefined> {
    try {
      await writing.written;
      writing.job.written.resolve();
      return beside;
    } catch (error) {
      await beside?.written.catch(() => {});
      await retryAfter(
        error,
        async () => {
          const result = await handle(writing.job.messages);
          if (result) await result.written;
        },
        writing.job.heartbeat,
        options.retry,
      );
      writing.job.written.resolve();
      return beside && (await start(beside.job));
    }
  }

  async function run(): Promise<void> {
    const keepAlive = setInterval(() => void lastHeartbeat().catch(() => {}), HEARTBEAT_EVERY_MS);
    let writing: Started | undefined;
    let beside: Started | undefined;
    try {
      for (;;) {
        if (!writing) {
          const job = queue.shift();
          if (!job) return;
          writing = await start(job);
          continue;
        }
        // The next call is prepared while this one is written, unless this one already failed.
        const next = writing.failedAtOnce ? undefined : queue.shift();
        beside = next && (await start(next));
        writing = await settle(writing, beside);
        beside = undefined;
      }
    } catch (error) {
      // Stopping: nothing in flight or queued will be written.
      for (const job of [writing?.job, beside?.job, ...queue.splice(0)]) {
        if (!job) continue;
        job.prepared.reject(error);
        job.written.reject(error);
        job.written.promise.catch(() => {});
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const taken = pending;
    pending = [];
    if (taken.length === 0) return;
    const messages = taken.flatMap((w) => w.messages);
    const heartbeat = taken[0]!.heartbeat;
    let last: Job | undefined;
    for (let start = 0; start < messages.length; start += options.maxMessages) {
      last = { messages: messages.slice(start, start + options.maxMessages), heartbeat, prepared: deferred(), written: deferred() };
      last.prepared.promise.catch(() => {});
      queue.push(last);
    }
    // Each caller waits for the last slice: the slices are written in order.
    for (const waiting of taken) waiting.job.resolve(last!);
    kick();
  };

  function kick(): void {
    active ??= run().finally(() => {
      active = undefined;
      if (queue.length > 0) kick();
    });
  }

  return {
    /** Resolves once the call holding these messages is prepared, with a promise of its writes. */
    async add(messages: IncomingMessage[], heartbeat: () => Promise<void>): Promise<{ written: Promise<void> }> {
      const job = deferred<Job>();
      pending.push({ messages, heartbeat, job });
      const size = pending.reduce((n, w) => n + w.messages.length, 0);
      if (size >= options.maxMessages) flush();
      else timer ??= setTimeout(flush, options.lingerMs);
      return (await job.promise).prepared.promise;
    },
    /** Settles when every call handed over has been written or given up. */
    async idle(): Promise<void> {
      if (timer) flush();
      while (active) await active;
    },
  };
}
