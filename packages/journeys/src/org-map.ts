import { loadYamlSettings, parseYamlSettings } from '@seamline/config';
import { EXTERNAL_QUEUE_PREFIX } from '@seamline/schemas';
import { z } from 'zod';

const queueAssignment = z.object({
  team: z.string().min(1),
  silo: z.string().min(1),
});

/**
 * The org map (README "Configuration"): queue or group name -> team and silo. `queues:` left empty (every entry
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

/** Parses an org map in YAML or JSON; a bad one is a SettingsFileError naming file, line and problem. */
export function parseOrgMap(text: string, fileName: string): OrgMap {
  return parseYamlSettings(text, fileName, orgMapSchema, { describe: describeIssue });
}

/** Reads and parses the org map file at `path`; `setting` (SEAMLINE_ORG_MAP) leads each problem. */
export async function loadOrgMap(path: string, setting?: string): Promise<OrgMap> {
  return loadYamlSettings(path, orgMapSchema, { describe: describeIssue, setting });
}

/** The silo of teams outside the organisation: see EXTERNAL_QUEUE_PREFIX. */
export const EXTERNAL_SILO = 'external';

/**
 * docs/metrics.md "Legs of a contact": unknown queue -> `unmapped:<queue>` / `unmapped`; no queue -> `unassigned` / `unassigned`.
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

/** The org map's own wording: a value of the wrong type names only what was expected. */
function describeIssue(issue: z.core.$ZodIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? undefined : `expected ${issue.expected}`;
    case 'unrecognized_keys':
      return 'unknown key (expected only "queues")';
    case 'too_small':
      return 'must not be empty';
    default:
      return undefined;
  }
}
