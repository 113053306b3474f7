import type { Logger } from '@seamline/log';

export interface SchedulerOptions {
  intervalMs: number;
  /** One run; its errors are logged and the schedule goes on. */
  run: (now: Date) => Promise<void>;
  logger: Logger;
  clock?: () => Date;
}

export interface Scheduler {
  /** True until stop() is called. */
  running(): boolean;
  /** Cancels the next run and waits for the one in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Runs at once, then again `intervalMs` after each run ends: a chain of timeouts rather than an
 * interval, so a slow run (a webhook retrying, a full scan of events) never overlaps the next.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? (() => new Date());
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  async function tick(): Promise<void> {
    timer = undefined;
    if (stopped) return;
    inFlight = options.run(clock()).catch((error: Error) => options.logger.error({ err: error }, 'alerts run failed; next run as scheduled'));
    await inFlight;
    inFlight = undefined;
    if (!stopped) timer = setTimeout(() => void tick(), options.intervalMs);
  }

  timer = setTimeout(() => void tick(), 0);
  return {
    running: () => !stopped,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
