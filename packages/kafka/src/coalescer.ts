import type { IncomingMessage } from './consumer.ts';

interface Waiting {
  messages: IncomingMessage[];
  heartbeat: () => Promise<void>;
  done: () => void;
  failed: (error: unknown) => void;
}

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

/** The longest wait between heartbeats while a retry pauses (well under any session timeout). */
const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Calls `handle` until it succeeds. While it pauses between attempts it keeps heartbeating, so
 * the group does not hand its partitions to another member for an outage of ClickHouse; a
 * heartbeat that fails (a rebalance, a broker gone) ends the retries with that error.
 */
async function withRetry(handle: () => Promise<void>, heartbeat: () => Promise<void>, policy: RetryPolicy): Promise<void> {
  const initial = policy.initialMs ?? 500;
  const max = policy.maxMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      await handle();
      if (attempt > 1) policy.onRecovered?.(attempt - 1);
      return;
    } catch (error) {
      if (!policy.isRunning()) throw error;
      const pause = Math.min(max, initial * 2 ** (attempt - 1));
      policy.onRetry?.(error, attempt, pause);
      for (let waited = 0; waited < pause; waited += HEARTBEAT_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, Math.min(HEARTBEAT_EVERY_MS, pause - waited)));
        if (!policy.isRunning()) throw error;
        await heartbeat();
      }
    }
  }
}

/**
 * Merges the batches of partitions consumed concurrently into one handler call. Every batch
 * costs the handler a fixed number of round trips to ClickHouse, so a few large batches keep up
 * where many small per-partition ones fall behind. Each caller's promise settles when the call
 * that held its messages has finished; calls run one at a time, so a partition's order holds.
 * A failed call is tried again (see RetryPolicy) before any later one runs.
 */
export function createCoalescer(
  handle: (messages: IncomingMessage[]) => Promise<void>,
  options: { maxMessages: number; lingerMs: number; retry: RetryPolicy },
) {
  let pending: Waiting[] = [];
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const taken = pending;
    pending = [];
    if (taken.length === 0) return;
    const heartbeat = () => taken[0]!.heartbeat();
    running = running.then(async () => {
      try {
        const messages = taken.flatMap((w) => w.messages);
        for (let start = 0; start < messages.length; start += options.maxMessages) {
          // Heartbeats go on while the handler works, so a slow batch keeps its partitions
          // however long it takes; a failed heartbeat shows up at the commit that follows.
          const keepAlive = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_EVERY_MS);
          try {
            await withRetry(() => handle(messages.slice(start, start + options.maxMessages)), heartbeat, options.retry);
          } finally {
            clearInterval(keepAlive);
          }
          // A heartbeat between slices keeps a long call from looking like a dead consumer.
          await heartbeat();
        }
        for (const waiting of taken) waiting.done();
      } catch (error) {
        for (const waiting of taken) waiting.failed(error);
      }
    });
  };

  return {
    add(messages: IncomingMessage[], heartbeat: () => Promise<void>): Promise<void> {
      return new Promise<void>((done, failed) => {
        pending.push({ messages, heartbeat, done, failed });
        const size = pending.reduce((n, w) => n + w.messages.length, 0);
        if (size >= options.maxMessages) flush();
        else timer ??= setTimeout(flush, options.lingerMs);
      });
    },
  };
}
