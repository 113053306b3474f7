import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { addVary } from './caching.ts';

// `Accept: text/csv` on the metric endpoints and the trend: the same figures as the JSON, as a
// table a spreadsheet opens (RFC 4180, a header row, one row per summary, team, pair or interval).

type Json = Record<string, unknown>;
/** A response's rows: the header first. */
type Rows = unknown[][];

/** A summary-like object as columns: its period and scope first, then each figure in JSON order. */
function figureColumns(row: Json): { columns: string[]; values: unknown[] } {
  const { scope, ...rest } = row as Json & { scope?: { team?: string; silo?: string } };
  const entries = Object.entries(rest);
  const columns = [...entries.map(([key]) => key), ...(scope ? ['scopeTeam', 'scopeSilo'] : [])];
  const values = [...entries.map(([, value]) => value), ...(scope ? [scope.team ?? '', scope.silo ?? ''] : [])];
  return { columns, values };
}

function objectRows(objects: readonly Json[]): Rows {
  if (objects.length === 0) return [[]];
  const first = figureColumns(objects[0]!);
  return [first.columns, ...objects.map((object) => figureColumns(object).values)];
}

/** By route: the rows of its JSON body, and a name for the file. */
const TABLES: Record<string, { name: string; rows: (body: Json) => Rows }> = {
  '/v1/metrics/summary': { name: 'summary', rows: (body) => objectRows([body]) },
  '/v1/metrics/teams': { name: 'teams', rows: (body) => objectRows(body.teams as Json[]) },
  '/v1/metrics/transitions': {
    name: 'transitions',
    rows: (body) => {
      const { silos, teams } = body as { silos: { fromSilo: string; toSilo: string; count: number }[]; teams: { fromTeam: string; toTeam: string; count: number }[] };
      return [['between', 'from', 'to', 'count'], ...silos.map((t) => ['silos', t.fromSilo, t.toSilo, t.count]), ...teams.map((t) => ['teams', t.fromTeam, t.toTeam, t.count])];
    },
  },
  '/v1/teams/:team/repeat-reasons': {
    name: 'repeat-reasons',
    rows: (body) => {
      const reasons = body.reasons as Json[];
      return reasons.length === 0 ? [['team', 'reason', 'contacts', 'repeats', 'repeatShare']] : [['team', ...Object.keys(reasons[0]!)], ...reasons.map((r) => [body.team, ...Object.values(r)])];
    },
  },
  '/v1/teams/:team/journeys': {
    name: 'journeys',
    rows: (body) => {
      const journeys = body.journeys as Json[];
      const columns = ['journeyId', 'customerId', 'start', 'contacts', 'handoffs', 'crossSilo', 'billingTriggerType'];
      return [['team', ...columns], ...journeys.map((j) => [body.team, ...columns.map((column) => j[column] ?? '')])];
    },
  },
  '/v1/teams/:team/trend': {
    name: 'trend',
    rows: (body) => {
      const rows = objectRows(body.points as Json[]);
      return rows.length === 1 ? [['team', ...rows[0]!]] : [['team', ...rows[0]!], ...rows.slice(1).map((row) => [body.team, ...row])];
    },
  },
};

/** The media types of an Accept header with their q, e.g. "text/csv;q=0.9, application/json". */
function acceptWeights(accept: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [type, ...parameters] = part.trim().toLowerCase().split(';');
    if (!type) continue;
    const q = parameters.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    weights.set(type.trim(), q === undefined ? 1 : Number(q));
  }
  return weights;
}

/** The client asks for CSV over JSON. */
export function prefersCsv(request: FastifyRequest): boolean {
  const weights = acceptWeights(request.headers.accept ?? '');
  const csv = weights.get('text/csv') ?? 0;
  const json = Math.max(weights.get('application/json') ?? 0, weights.get('*/*') ?? 0, weights.get('application/*') ?? 0);
  return csv > 0 && csv >= json;
}

/**
 * Answers `Accept: text/csv` with CSV on the metric endpoints and the trend. Register before
 * registerCaching: the ETag is then the hash of the CSV sent.
 */
export function registerCsv(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const table = TABLES[request.routeOptions.url ?? ''];
    if (!table) return payload;
    addVary(reply, 'Accept');
    if (reply.statusCode !== 200 || typeof payload !== 'string' || !prefersCsv(request)) return payload;
    const body = JSON.parse(payload) as Json;
    const query = request.query as { from?: string; to?: string };
    const day = (instant?: string) => (instant ?? '').slice(0, 10);
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="seamline-${table.name}-${day(query.from)}-${day(query.to)}.csv"`);
    return stringify(table.rows(body), { cast: { boolean: (value) => String(value) } });
  });
}
