// Durations as settings write them ("7d", "72h", "30m", "500ms"), and the journey model's
// parameters when the environment leaves them unset (docs/metrics.md, "Parameters").

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** Whether `text` is a duration: a whole number and one of the units ms, s, m, h, d. */
export function isDuration(text: string): boolean {
  return DURATION.test(text);
}

/** "7d" → 604800000; throws on what isDuration refuses. */
export function durationMs(text: string): number {
  const match = DURATION.exec(text);
  if (!match) throw new Error(`not a duration: ${JSON.stringify(text)} (expected such as 7d, 72h, 30m)`);
  return Number(match[1]) * UNIT_MS[match[2] as Unit];
}

/** 604800000 → "7d": the largest unit that divides the duration, as settings write it. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of Object.entries(UNIT_MS)) if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** The repeat window W, the billing window B and the over-merging guard unless the environment sets them. */
export const JOURNEY_DEFAULTS = {
  repeatWindow: '7d',
  billingWindow: '72h',
  maxIdentifiers: 50,
} as const;
