import type { ClickHouseClient } from '@clickhouse/client';
import { HANDOFFS_TABLE } from '@seamline/clickhouse';
import type { Transitions } from '@seamline/journeys';
import { z } from 'zod';
import { byCodeUnit } from '@seamline/journeys';
import { inScope, liveRowsOfVersion, namedQuery, queryParams, startsInPeriod, type TableMetricParams } from './query.ts';

// The transition matrix: the handoffs (transfers and bounces) the summary counts, that is those
// of contacts that start in the period with their first team in scope, per team pair; the
// silo pairs are sums over the team pairs.
const TRANSITIONS_SQL = `
SELECT from_silo, to_silo, from_team, to_team, count() AS count
FROM ${HANDOFFS_TABLE} FINAL
WHERE ${liveRowsOfVersion}
  AND kind IN ('transfer', 'bounce')
  AND ${startsInPeriod('contact_start')}
  AND ${inScope('contact_first_team', 'contact_first_silo')}
GROUP BY from_silo, to_silo, from_team, to_team`;

const transitionRow = z.object({
  from_silo: z.string(),
  to_silo: z.string(),
  from_team: z.string(),
  to_team: z.string(),
  count: z.coerce.number().int().positive(),
});
type TransitionRow = z.infer<typeof transitionRow>;

export async function readTransitions(client: ClickHouseClient, params: TableMetricParams): Promise<Transitions> {
  const rows = (await namedQuery(client, 'metrics.transitions', TRANSITIONS_SQL, queryParams(params))).map((row) => transitionRow.parse(row));
  return {
    silos: countPairs(rows, (row) => [row.from_silo, row.to_silo]).map(([fromSilo, toSilo, count]) => ({ fromSilo, toSilo, count })),
    teams: countPairs(rows, (row) => [row.from_team, row.to_team]).map(([fromTeam, toTeam, count]) => ({ fromTeam, toTeam, count })),
  };
}

/** Counts summed per (from, to), sorted by from then to in code-unit order (ClickHouse sorts bytes). */
function countPairs(rows: readonly TransitionRow[], pairOf: (row: TransitionRow) => [string, string]): [string, string, number][] {
  const counts = new Map<string, [string, string, number]>();
  for (const row of rows) {
    const [from, to] = pairOf(row);
    const key = JSON.stringify([from, to]);
    const entry = counts.get(key);
    if (entry) entry[2] += row.count;
    else counts.set(key, [from, to, row.count]);
  }
  return [...counts.values()].sort((a, b) => byCodeUnit(a[0], b[0]) || byCodeUnit(a[1], b[1]));
}
