import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { JOURNEY_MODEL_TABLE, JOURNEYS_TABLE, HANDOFFS_TABLE } from './journeys.ts';
import { namedRead } from './named-query.ts';

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
  if (rows.length === 0) return;
  await client.insert({ table: ALERT_STATE_TABLE, values: [...rows], format: 'JSONEachRow' });
}

export async function appendAlertLog(client: ClickHouseClient, rows: readonly z.input<typeof alertLogRow>[]): Promise<void> {
  if (rows.length === 0) return;
  await client.insert({ table: ALERT_LOG_TABLE, values: [...rows], format: 'JSONEachRow' });
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

/** A journey to review: one of a team's worst of a period. */
export const worstJourneyRow = z.object({
  journey_id: z.string(),
  customer_id: z.string(),
  start: isoInstant,
  first_silo: z.string(),
  contacts: count,
  handoffs: count,
  cross_silo_handoffs: count,
  cross_silo: count.transform((value) => value === 1),
  billing_trigger_type: z.string(),
});
export type WorstJourney = z.output<typeof worstJourneyRow>;

/**
 * The journeys of a team (by the first team of their first contact) that start in [from, to):
 * most contacts first, then most handoffs (transfers and bounces), then the earliest. Rows of
 * the model the tables were last built with, as data teams are told to read them.
 */
export async function readWorstJourneys(
  client: ClickHouseClient,
  query: { team: string; from: Date; to: Date; limit: number },
): Promise<WorstJourney[]> {
  return namedRead(
    client,
    'alerts.worst_journeys',
    `WITH (SELECT model_version FROM ${JOURNEY_MODEL_TABLE} FINAL) AS current_model,
     team_journeys AS (
       SELECT journey_id, customer_id, start, first_silo, contacts, cross_silo, billing_trigger_type
       FROM ${JOURNEYS_TABLE} FINAL
       WHERE first_team = {team:String} AND model_version = current_model
         AND toUnixTimestamp64Milli(start) >= {from_ms:Int64} AND toUnixTimestamp64Milli(start) < {to_ms:Int64}
     ),
     journey_handoffs AS (
       SELECT journey_id, count() AS handoffs, countIf(cross_silo = 1) AS cross_silo_handoffs
       FROM ${HANDOFFS_TABLE} FINAL
       WHERE model_version = current_model AND journey_id IN (SELECT journey_id FROM team_journeys)
       GROUP BY journey_id
     )
     SELECT j.journey_id AS journey_id, j.customer_id AS customer_id, j.start AS start, j.first_silo AS first_silo,
            j.contacts AS contacts, j.cross_silo AS cross_silo, j.billing_trigger_type AS billing_trigger_type,
            h.handoffs AS handoffs, h.cross_silo_handoffs AS cross_silo_handoffs
     FROM team_journeys AS j LEFT JOIN journey_handoffs AS h ON h.journey_id = j.journey_id
     ORDER BY contacts DESC, handoffs DESC, start, journey_id
     LIMIT {limit:UInt32}
     SETTINGS join_use_nulls = 0`,
    { team: query.team, from_ms: query.from.getTime(), to_ms: query.to.getTime(), limit: query.limit },
    worstJourneyRow,
  );
}
