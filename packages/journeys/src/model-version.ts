import { hash } from 'node:crypto';
import { DEFAULT_MAX_IDENTIFIERS } from './identity-graph.ts';
import type { OrgMap } from './org-map.ts';

/** The layout of the journey tables' rows; 2 added what an earlier asOf needs. */
const ROW_LAYOUT = 2;

/**
 * Names the org map and windows stored contacts, journeys and handoffs were computed with: the
 * same inputs give the same version, and any change (a queue remapped, W, B or the over-merging
 * guard changed) a new one. ROW_LAYOUT is part of it: tables written in an older layout are
 * rebuilt, not read.
 */
export function journeyModelVersion(orgMap: OrgMap, repeatWindowMs: number, billingWindowMs: number, maxIdentifiers = DEFAULT_MAX_IDENTIFIERS): string {
  const queues = Object.keys(orgMap.queues)
    .sort()
    .map((queue) => [queue, orgMap.queues[queue]!.team, orgMap.queues[queue]!.silo]);
  return `m_${hash('sha256', JSON.stringify({ queues, repeatWindowMs, billingWindowMs, maxIdentifiers, rows: ROW_LAYOUT }), 'hex').slice(0, 16)}`;
}
