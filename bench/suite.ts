import type { Order } from '@seamline/generator';
import type { StackInfo } from '@seamline/infra/stack';
import type { Logger } from '@seamline/log';

/**
 * One figure of a benchmark run, with what it is held against: the target on this
 * machine, and a baseline measured in the same run (what bounds it: a consumer that does no
 * work, a bulk insert of the same rows).
 */
export interface Figure {
  /** Short name, unique within its suite: "stitcher throughput", "summary p99". */
  name: string;
  value: number | null;
  unit: 'events/s' | 'ms' | 'MiB' | 'requests/s' | '%' | 'events';
  target?: { op: '>=' | '<='; value: number };
  baseline?: { name: string; value: number };
  /** What the number is, how it was taken, when the table row alone could mislead. */
  note?: string;
}

export interface SuiteContext {
  stack: StackInfo;
  logger: Logger;
  signal: AbortSignal;
  /** --quick: a smoke run of every measurement, smaller and shorter; its figures are not the targets'. */
  quick: boolean;
  /** Seed of every generated sample, so runs compare. */
  seed: number;
  /** Order of every generated sample (--order; default time). */
  order: Order;
  /** Progress lines for the console. */
  say(line: string): void;
}

export interface SuiteResult {
  figures: Figure[];
  /** Everything else measured, kept in the results file. */
  details: Record<string, unknown>;
}

export interface Suite {
  name: string;
  /** One line on what it measures, for --help. */
  summary: string;
  run(context: SuiteContext): Promise<SuiteResult>;
}

/** Whether a figure meets its target; undefined when it has none or was not measured. */
export function meets(figure: Figure): boolean | undefined {
  if (!figure.target) return undefined;
  if (figure.value === null) return false;
  return figure.target.op === '>=' ? figure.value >= figure.target.value : figure.value <= figure.target.value;
}
