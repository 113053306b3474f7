import type { ClickHouseClient } from '@clickhouse/client';
import { appendAlertLog, readAlertLog, readAlertStates, writeAlertStates, type AlertStateRow } from '@seamline/clickhouse';
import type { Logger } from '@seamline/log';
import { nextBreachState, type BreachMessage, type BreachState } from './breach.ts';
import { buildDigest, digestTeams, dueDigestInstant } from './digest.ts';
import { evaluateRules, type Metrics, type RuleEvaluation } from './evaluate.ts';
import { sampleSize } from './figures.ts';
import { alertMessage, digestMessage, recoveryMessage, type SlackMessage } from './messages.ts';
import type { Notifier } from './notify.ts';
import type { AlertRules, Webhook } from './rules.ts';

export interface AlertsDeps {
  client: ClickHouseClient;
  metrics: Metrics;
  rules: AlertRules;
  notifier: Notifier;
  logger: Logger;
  /** The organisation's time zone (SEAMLINE_TIME_ZONE): the digest's week and times, unless its settings name one. */
  timeZone?: string;
}

export interface RuleReport {
  rule: string;
  scopeKey: string;
  status: 'ok' | 'breached' | 'insufficient data' | 'failed';
  value: number | null;
  reason?: string;
  /** The message this run had to send, and whether it went out. */
  message?: BreachMessage;
  delivered?: boolean;
}

export interface DigestReport {
  team: string;
  /** The week's scheduled instant (ISO). */
  week: string;
  delivered: boolean;
  reason?: string;
}

export interface RunReport {
  rules: RuleReport[];
  digests: DigestReport[];
}

const stateKey = (rule: string, scope: string) => `${rule}\u0000${scope}`;

/**
 * One evaluation of every rule and, when due, the weekly digests. A state advances only once
 * its message was delivered, so an undelivered alert or recovery is tried again next run and a
 * restart sends nothing twice; a digest is sent once per team and week (alert_log_v1 says).
 */
export async function runAlertsOnce(deps: AlertsDeps, now: Date): Promise<RunReport> {
  const evaluations = await evaluateRules(deps.rules.rules, deps.metrics, now);
  const states = new Map((await readAlertStates(deps.client)).map((row) => [stateKey(row.rule_name, row.scope_key), row]));
  const quietUpdates: AlertStateRow[] = [];
  const rules: RuleReport[] = [];
  for (const evaluation of evaluations) {
    rules.push(await advance(deps, evaluation, states.get(stateKey(evaluation.rule.name, evaluation.scopeKey)), now, quietUpdates));
  }
  await writeAlertStates(deps.client, quietUpdates);
  const digests = deps.rules.digest ? await sendDueDigests(deps, now) : [];
  return { rules, digests };
}

async function advance(
  deps: AlertsDeps,
  evaluation: RuleEvaluation,
  stored: AlertStateRow | undefined,
  now: Date,
  quietUpdates: AlertStateRow[],
): Promise<RuleReport> {
  const { rule, scopeKey, outcome } = evaluation;
  const base = { rule: rule.name, scopeKey };
  if (outcome.kind === 'failed') return { ...base, status: 'failed', value: null, reason: outcome.reason };
  const previous: BreachState | undefined = stored && { state: stored.state, since: stored.since, lastValue: stored.last_value };
  const step = nextBreachState(previous, outcome, now);
  if (outcome.kind === 'insufficient' || !step.next) {
    return { ...base, status: 'insufficient data', value: null, reason: outcome.kind === 'insufficient' ? outcome.reason : '' };
  }
  const report: RuleReport = { ...base, status: step.next.state, value: outcome.value };
  const row = { rule_name: rule.name, scope_key: scopeKey, state: step.next.state, since: step.next.since, last_value: outcome.value, updated_at: new Date().toISOString() };
  if (!step.message) {
    if (previous?.state !== step.next.state || previous.lastValue !== outcome.value) quietUpdates.push(row);
    return report;
  }
  const message = (step.message === 'alert' ? alertMessage : recoveryMessage)({
    rule,
    value: outcome.value,
    period: evaluation.period,
    sample: evaluation.summary ? sampleSize(rule.metric, evaluation.summary) : 0,
    ...(previous?.state === 'breached' && { breachedSince: previous.since }),
  });
  const delivered = await deliverAndLog(deps, rule.webhook, message, {
    kind: step.message,
    rule_name: rule.name,
    scope_key: scopeKey,
    period_key: step.message === 'alert' ? step.next.since : (previous?.since ?? ''),
    value: outcome.value,
  });
  if (!delivered.ok) return { ...report, status: previous?.state ?? 'ok', message: step.message, delivered: false, reason: delivered.reason };
  // Written at once, not with the quiet updates: the smaller the gap after a delivery, the
  // smaller the chance a crash sends the message again.
  await writeAlertStates(deps.client, [row]);
  return { ...report, message: step.message, delivered: true };
}

type LogFields = { kind: 'alert' | 'recovery' | 'digest'; rule_name: string; scope_key: string; period_key: string; value: number | null };

async function deliverAndLog(deps: AlertsDeps, webhook: Webhook, message: SlackMessage, fields: LogFields): Promise<{ ok: true } | { ok: false; reason: string }> {
  const delivery = await deps.notifier.deliver(webhook, message);
  const context = { kind: fields.kind, rule: fields.rule_name || undefined, scope: fields.scope_key, webhook: webhook.name, attempts: delivery.attempts };
  if (!delivery.delivered) {
    deps.logger.error({ ...context, reason: delivery.reason }, `${fields.kind} not delivered; trying again next run`);
    return { ok: false, reason: delivery.reason };
  }
  deps.logger.info(context, `${fields.kind} delivered`);
  await appendAlertLog(deps.client, [
    { ...fields, sent_at: new Date().toISOString(), webhook: webhook.name, text: message.text, body: JSON.stringify(message), attempts: delivery.attempts },
  ]);
  return { ok: true };
}

async function sendDueDigests(deps: AlertsDeps, now: Date): Promise<DigestReport[]> {
  const timeZone = deps.rules.digest!.timeZone ?? deps.timeZone ?? 'UTC';
  const settings = { ...deps.rules.digest!, timeZone };
  const at = dueDigestInstant(settings, now);
  if (!at) return [];
  const week = at.toISOString();
  const sent = new Set((await readAlertLog(deps.client, { kind: 'digest', periodKey: week })).map((row) => row.scope_key));
  const reports: DigestReport[] = [];
  for (const team of await digestTeams(settings, deps.metrics, at, timeZone)) {
    const scopeKey = `team:${team}`;
    if (sent.has(scopeKey)) continue;
    try {
      const digest = await buildDigest(team, { metrics: deps.metrics, client: deps.client }, at, timeZone);
      const fields = { kind: 'digest' as const, rule_name: '', scope_key: scopeKey, period_key: week, value: null };
      const delivered = await deliverAndLog(deps, settings.webhook, digestMessage(digest), fields);
      reports.push({ team, week, delivered: delivered.ok, ...(!delivered.ok && { reason: delivered.reason }) });
    } catch (error) {
      deps.logger.error({ team, week, err: error }, 'digest not built; trying again next run');
      reports.push({ team, week, delivered: false, reason: (error as Error).message });
    }
  }
  return reports;
}
