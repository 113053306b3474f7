import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Scope } from '@seamline/journeys';

/** A period, scope and asOf, read from the rows of one journey model version. */
export interface TableMetricParams {
  from: Date;
  to: Date;
  /** Only contacts and journeys that start before asOf count; contacts with mature_at <= asOf are mature. */
  asOf: Date;
  /** Both given: a figure must match both. */
  scope?: Scope;
  /** journeyModelVersion(orgMap, W, B) of the rows to read; rows of any other version are ignored. */
  modelVersion: string;
}

/**
 * Every value a table-metric query takes, bound as a ClickHouse query parameter, never spliced
 * into the SQL. Instants go as epoch milliseconds, so any Date works, also ones beyond the range
 * of DateTime64 (an asOf of 9999-01-01).
 */
export function queryParams(params: TableMetricParams, byTeam = false): Record<string, string | number> {
  const scope = params.scope ?? {};
  return {
    model_version: params.modelVersion,
    from_ms: params.from.getTime(),
    to_ms: params.to.getTime(),
    as_of_ms: params.asOf.getTime(),
    has_team: scope.team === undefined ? 0 : 1,
    team: scope.team ?? '',
    has_silo: scope.silo === undefined ? 0 : 1,
    silo: scope.silo ?? '',
    by_team: byTeam ? 1 : 0,
  };
}

// SQL fragments over column names of our own tables (constants of this module's callers).

/** The instant in `column` lies in [from, to) and before asOf. */
export const startsInPeriod = (column: string): string =>
  `toUnixTimestamp64Milli(${column}) >= {from_ms:Int64}
     AND toUnixTimestamp64Milli(${column}) < least({to_ms:Int64}, {as_of_ms:Int64})`;

/** The team and silo in these columns match the scope (an absent key matches anything). */
export const inScope = (teamColumn: string, siloColumn: string): string =>
  `({has_team:UInt8} = 0 OR ${teamColumn} = {team:String})
     AND ({has_silo:UInt8} = 0 OR ${siloColumn} = {silo:String})`;

/** Live rows of the model version in use; FINAL so each key counts once, in its newest version. */
export const liveRowsOfVersion = 'model_version = {model_version:String} AND is_deleted = 0';

/**
 * Runs a read named `name`: the name leads the SQL as a comment and the query_id, so the query
 * log and traces say which metric query ran (and which was slow).
 */
export async function namedQuery(
  client: ClickHouseClient,
  name: string,
  sql: string,
  params: Record<string, string | number>,
): Promise<unknown[]> {
  const result = await client.query({
    query: `/* seamline:${name} */ ${sql}`,
    query_id: `seamline:${name}:${randomUUID()}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return result.json<unknown>();
}
