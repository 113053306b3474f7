/** ClickHouse prints DateTime64(3, 'UTC') as "2026-03-01 10:00:00.000"; this gives ISO 8601 in UTC. */
export function isoFromClickHouse(value: string): string {
  return value.includes('T') ? new Date(value).toISOString() : `${value.replace(' ', 'T')}Z`;
}
