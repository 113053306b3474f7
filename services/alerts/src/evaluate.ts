import type { Scope, Summary } from '@seamline/journeys';
import type { MetricsService } from '@seamline/metrics';
import type { Observation } from './breach.ts';
import { sampleSize } from './figures.ts';
import type { AlertRule } from './rules.ts';

/** The figures alerts and digests read: the metric service's summary and per-team rows. */
export type Metrics = Pick<MetricsService, 'summary' | 'teams'>;

/** One rule evaluated at one instant. */
export interface RuleEvaluation {
  rule: AlertRule;
  /** "team:billing-t1", "silo:support" or "org": the state's key besides the rule's name. */
  scopeKey: string;
  /** [now − window, now), with asOf = now. */
  period: { from: string; to: string };
  /** A figure, not enough data to judge, or the figures could not be read (tried again next run). */
  outcome: Observation | { kind: 'failed'; reason: string };
  /** The summary the figure came from, when it could be read. */
  summary?: Summary;
}

export function scopeKey(scope: Scope): string {
  if (scope.team !== undefined) return `team:${scope.team}`;
  if (scope.silo !== undefined) return `silo:${scope.silo}`;
  return 'org';
}

export function isBreach(rule: Pick<AlertRule, 'direction' | 'threshold'>, value: number): boolean {
  return rule.direction === 'above' ? value > rule.threshold : value < rule.threshold;
}

/** Judges one summary against a rule: too few contacts or no figure is insufficient data. */
export function observe(rule: AlertRule, summary: Summary): Observation {
  const sample = sampleSize(rule.metric, summary);
  if (sample < rule.minContacts) {
    return { kind: 'insufficient', reason: `insufficient data: ${sample} contacts, the rule needs ${rule.minContacts}` };
  }
  const value = summary[rule.metric];
  if (value === null) return { kind: 'insufficient', reason: `insufficient data: ${rule.metric} has no denominator` };
  return { kind: 'value', value, breached: isBreach(rule, value) };
}

/**
 * Each rule's figure over [now − window, now) as of now. Rules are read one after another (each
 * may scan the events when the stitched tables are not exact); one that fails does not stop
 * the others.
 */
export async function evaluateRules(rules: readonly AlertRule[], metrics: Pick<Metrics, 'summary'>, now: Date): Promise<RuleEvaluation[]> {
  const evaluations: RuleEvaluation[] = [];
  for (const rule of rules) {
    const period = { from: new Date(now.getTime() - rule.windowMs).toISOString(), to: now.toISOString() };
    const base = { rule, scopeKey: scopeKey(rule.scope), period };
    try {
      const summary = await metrics.summary({ ...period, asOf: now.toISOString(), ...rule.scope }, now);
      evaluations.push({ ...base, outcome: observe(rule, summary), summary });
    } catch (error) {
      evaluations.push({ ...base, outcome: { kind: 'failed', reason: (error as Error).message } });
    }
  }
  return evaluations;
}
