import { describe, expect, it } from 'vitest';
import { createLogger } from '@seamline/log';
import { startScheduler } from './scheduler.ts';

const logger = createLogger({ service: 'scheduler-test', level: 'silent', pretty: false });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the scheduler', () => {
  it('runs at once and again after each run ends, never two runs at a time', async () => {
    let active = 0;
    let most = 0;
    let runs = 0;
    const scheduler = startScheduler({
      intervalMs: 5,
      logger,
      run: async () => {
        active += 1;
        most = Math.max(most, active);
        runs += 1;
        await sleep(20);
        active -= 1;
      },
    });
    await sleep(120);
    await scheduler.stop();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
  });

  it('goes on after a failed run, and stop waits for the run in progress then runs no more', async () => {
    let runs = 0;
    let finished = 0;
    const scheduler = startScheduler({
      intervalMs: 5,
      logger,
      run: async () => {
        runs += 1;
        if (runs === 1) throw new Error('ClickHouse is down');
        await sleep(30);
        finished += 1;
      },
    });
    await sleep(20);
    expect(scheduler.running()).toBe(true);
    await scheduler.stop();
    expect(scheduler.running()).toBe(false);
    expect(finished).toBe(runs - 1);
    const stoppedAt = runs;
    await sleep(40);
    expect(runs).toBe(stoppedAt);
  });
});
