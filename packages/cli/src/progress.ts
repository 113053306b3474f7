import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A progress bar on a terminal; otherwise a line on stderr at most every 2 seconds. */
export function createProgress(label: string, unit: 'bytes' | 'events'): Progress {
  const format = (n: number) => (unit === 'bytes' ? `${(n / 1e6).toFixed(1)} MB` : n.toLocaleString('en'));
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: `${label} [{bar}] {percentage}% | {shown}`, stream: process.stderr, hideCursor: true },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) {
          bar.start(total, 0, { shown: '' });
          started = true;
        }
        bar.update(done, { shown: `${format(done)} of ${format(total)}` });
      },
      stop: () => started && bar.stop(),
    };
  }
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 2_000 && done < total) return;
      last = now;
      process.stderr.write(`${label}: ${format(done)} of ${format(total)}\n`);
    },
    stop() {},
  };
}
