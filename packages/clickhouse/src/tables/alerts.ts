import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { namedInsert, namedRead } from './named-query.ts';

export const ALERT_STATE_TABLE = 'alert_state_v1';
export const ALERT_LOG_TABLE = 'alert_log_v1';

/** ClickHouse prints DateTime64(3, 'UTC') as "2026-03-01 10:00:00.000". */
const isoInstant = z.string().transform((value) => (value.includes('T') ? new Date(value).toISOString() : `${value.replace(' ', 'T')}Z`));
const count = z.union([z.number(), z.string()]).transform(Number);

/** A row of alert_state_v1: where one rule stands for one scope. */
export const alertStateRow = z.object({
  rule_name: z.string(),
  scope_key: z.string(),
  state: z.enum(['ok', 'breached']),
  since: isoInstant,
  last_value: z.number().nullable(),
  updated_at: isoInstant,
});
export type AlertStateRow = z.output<typeof alertStateRow>;

/** A message delivered to a webhook, as alert_log_v1 keeps it. */
export const alertLogRow = z.object({
  sent_at: isoInstant,
  kind: z.enum(['alert', 'recovery', 'digest']),
  rule_name: z.string(),
  scope_key: z.string(),
  period_key: z.string(),
  webhook: z.string(),
  value: z.number().nullable(),
  text: z.string(),
  body: z.string(),
  attempts: count,
});
export type AlertLogRow = z.output<typeof alertLogRow>;

/** The newest state of every rule and scope. */
export async function readAlertStates(client: ClickHouseClient): Promise<AlertStateRow[]> {
  return namedRead(
    client,
    'alerts.states',
    `SELECT rule_name, scope_key, state, since, last_value, updated_at FROM ${ALERT_STATE_TABLE} FINAL ORDER BY rule_name, scope_key`,
    {},
    alertStateRow,
  );
}

export async function writeAlertStates(client: ClickHouseClient, rows: readonly z.input<typeof alertStateRow>[]): Promise<void> {
  await namedInsert(client, 'alerts.write-states', ALERT_STATE_TABLE, rows);
}

export async function appendAlertLog(client: ClickHouseClient, rows: readonly z.input<typeof alertLogRow>[]): Promise<void> {
  await namedInsert(client, 'alerts.append-log', ALERT_LOG_TABLE, rows);
}

/** Messages of one kind (and optionally one scope and period) already delivered, oldest first. */
export async function readAlertLog(
  client: ClickHouseClient,
  filter: { kind: AlertLogRow['kind']; scopeKey?: string; periodKey?: string },
): Promise<AlertLogRow[]> {
  return namedRead(
    client,
    'alerts.log',
    `SELECT sent_at, kind, rule_name, scope_key, period_key, webhook, value, text, body, attempts
     FROM ${ALERT_LOG_TABLE}
     WHERE kind = {kind:String}
       AND ({scope_key:String} = '' OR scope_key = {scope_key:String})
       AND ({period_key:String} = '' OR period_key = {period_key:String})
     ORDER BY sent_at`,
    { kind: filter.kind, scope_key: filter.scopeKey ?? '', period_key: filter.periodKey ?? '' },
    alertLogRow,
  );
}
