/**
 * A distribution of durations in milliseconds. A sample that never arrived (a probe that timed
 * out) is Infinity: it still counts, so a percentile that lands on it is null ("not within the
 * timeout") rather than quietly better than the truth.
 */
export interface Distribution {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

/** Nearest-rank percentile of ascending samples. */
function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return Number.isFinite(value) ? round(value) : null;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
  };
}

/** "812 ms", or "> 30000 ms" when the percentile is a sample that never arrived. */
export function formatMs(value: number | null, timeoutMs: number, count: number): string {
  if (count === 0) return 'n/a';
  return value === null ? `> ${timeoutMs} ms` : `${Math.round(value)} ms`;
}
