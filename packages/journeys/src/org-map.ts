import { FileProblem, readSettingsFile } from '@seamline/config';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { EXTERNAL_QUEUE_PREFIX } from '@seamline/schemas';
import { z } from 'zod';

const queueAssignment = z.object({
  team: z.string().min(1),
  silo: z.string().min(1),
});

/**
 * SPEC "Org map": queue or group name -> team and silo. `queues:` left empty (every entry
 * commented out) and an empty file are an empty map: every queue is then unmapped.
 * Unknown top-level keys are refused so that a typo ("queus") is not silently an empty map.
 */
export const orgMapSchema = z.strictObject({
  queues: z
    .record(z.string(), queueAssignment)
    .nullish()
    .transform((queues) => queues ?? {}),
});

export type OrgMap = z.output<typeof orgMapSchema>;

export interface Attribution {
  team: string;
  silo: string;
}

export const UNASSIGNED: Attribution = { team: 'unassigned', silo: 'unassigned' };
export const UNMAPPED_SILO = 'unmapped';
export const EMPTY_ORG_MAP: OrgMap = { queues: {} };

/** A bad org map file; the message names the file, the line and the problem. */
export class OrgMapError extends Error {
  override readonly name = 'OrgMapError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly problem: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${problem}`);
  }
}

/** Parses an org map in YAML or JSON (JSON is read by the YAML parser, so both get line numbers). */
export function parseOrgMap(text: string, fileName: string): OrgMap {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    throw new OrgMapError(fileName, lineCounter.linePos(syntaxError.pos[0]).line, syntaxError.message);
  }
  const parsed = orgMapSchema.safeParse(doc.toJS() ?? {}, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw new OrgMapError(fileName, undefined, 'invalid org map');
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
  const line = lineCounter.linePos(offsetOf(doc, path)).line;
  const where = path.length > 0 ? `${formatPath(path)}: ` : '';
  throw new OrgMapError(fileName, line, `${where}${describeIssue(issue)}`);
}

/** Reads and parses the org map file at `path`. */
export async function loadOrgMap(path: string): Promise<OrgMap> {
  let text: string;
  try {
    text = readSettingsFile(path);
  } catch (error) {
    throw new OrgMapError(path, undefined, error instanceof FileProblem ? error.problem : String(error));
  }
  return parseOrgMap(text, path);
}

/** The silo of teams outside the organisation: see EXTERNAL_QUEUE_PREFIX. */
export const EXTERNAL_SILO = 'external';

/**
 * SPEC: unknown queue -> `unmapped:<queue>` / `unmapped`; no queue -> `unassigned` / `unassigned`.
 * An `external:<endpoint>` queue the map does not name is a team of its own in silo `external`
 * (docs/events.md): the organisation handed the customer on, and the figures show it.
 */
export function attributeQueue(orgMap: OrgMap, queue: string | null | undefined): Attribution {
  if (queue === undefined || queue === null) return UNASSIGNED;
  // hasOwn: a queue named "constructor" must not find Object.prototype.
  const entry = Object.hasOwn(orgMap.queues, queue) ? orgMap.queues[queue] : undefined;
  if (entry) return { team: entry.team, silo: entry.silo };
  if (queue.startsWith(EXTERNAL_QUEUE_PREFIX)) return { team: queue, silo: EXTERNAL_SILO };
  return { team: `unmapped:${queue}`, silo: UNMAPPED_SILO };
}

/** Queues named in events that the map does not know, sorted: what an admin has to add. */
export function unmappedQueues(orgMap: OrgMap, queues: Iterable<string | undefined>): string[] {
  const unknown = new Set<string>();
  for (const queue of queues) {
    if (queue !== undefined && !Object.hasOwn(orgMap.queues, queue) && !queue.startsWith(EXTERNAL_QUEUE_PREFIX)) unknown.add(queue);
  }
  return [...unknown].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Offset of the deepest key of `path` written in the file: the line a person should look at. */
function offsetOf(doc: Document, path: readonly PropertyKey[]): number {
  let node: unknown = doc.contents;
  let offset = isMap(node) ? (node.range?.[0] ?? 0) : 0;
  for (const segment of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => keyText(item.key) === String(segment));
    if (!pair) break;
    if (isScalar(pair.key) && pair.key.range) offset = pair.key.range[0];
    node = pair.value;
  }
  return offset;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** queues."Billing Tier 1".silo: plain segments bare, others quoted as JSON strings. */
function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment) => {
      const text = String(segment);
      return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(text) ? text : JSON.stringify(text);
    })
    .join('.');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return 'unknown key (expected only "queues")';
    case 'too_small':
      return 'must not be empty';
    default:
      return issue.message;
  }
}
