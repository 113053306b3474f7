import type { IncomingMessage } from './consumer.ts';

interface Waiting {
  messages: IncomingMessage[];
  heartbeat: () => Promise<void>;
  done: () => void;
  failed: (error: unknown) => void;
}

/**
 * Merges the batches of partitions consumed concurrently into one handler call. Every batch
 * costs the handler a fixed number of round trips to ClickHouse, so a few large batches keep up
 * where many small per-partition ones fall behind. Each caller's promise settles when the call
 * that held its messages has finished; calls run one at a time, so a partition's order holds.
 */
export function createCoalescer(
  handle: (messages: IncomingMessage[]) => Promise<void>,
  options: { maxMessages: number; lingerMs: number },
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
    running = running.then(async () => {
      try {
        const messages = taken.flatMap((w) => w.messages);
        for (let start = 0; start < messages.length; start += options.maxMessages) {
          await handle(messages.slice(start, start + options.maxMessages));
          // A heartbeat between slices keeps a long call from looking like a dead consumer.
          await taken[0]!.heartbeat();
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
