import type { Random } from './random.ts';

/** Where a queue sits in the organisation (the org map, README "Configuration"). */
export interface TeamPlacement {
  team: string;
  silo: string;
}

/** The org map file: queue or group name, as the source systems spell it, to team and silo. */
export interface OrgMap {
  queues: Record<string, TeamPlacement>;
}

/** Queue and group names of the sample organisation, spelt as its Zendesk and Connect spell them. */
export const QUEUE = {
  supportGeneral: 'Support General',
  supportChat: 'Support Chat',
  supportTier2: 'Support Tier 2',
  socialCare: 'Social Care',
  phoneGeneral: 'Phone General',
  phoneSales: 'Phone Sales',
  phoneOverflow: 'Phone Overflow',
  billingTier1: 'Billing Tier 1',
  billingTier2: 'Billing Tier 2',
  collections: 'Collections',
  techSupport: 'Tech Support',
  techEscalations: 'Tech Escalations',
  fieldDispatch: 'Field Dispatch',
  retention: 'Retention',
  cancellations: 'Cancellations',
  winBack: 'Win-back Outbound',
  /** Opened in the phone system recently; nobody has added it to the org map yet. */
  phoneSpanish: 'Phone Spanish',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

/** Queues that events use but the org map does not know: they show up as `unmapped`. */
export const UNMAPPED_QUEUES: readonly QueueName[] = [QUEUE.phoneSpanish];

// Five silos, two or three teams each. Written as rows so a reader sees the organisation at a glance.
const PLACEMENTS: readonly (readonly [QueueName, string, string])[] = [
  [QUEUE.supportGeneral, 'support-frontline', 'support'],
  [QUEUE.supportChat, 'support-frontline', 'support'],
  [QUEUE.supportTier2, 'support-tier2', 'support'],
  [QUEUE.socialCare, 'support-social', 'support'],
  [QUEUE.phoneGeneral, 'phone-frontline', 'phone-centre'],
  [QUEUE.phoneSales, 'phone-sales', 'phone-centre'],
  [QUEUE.phoneOverflow, 'phone-overflow', 'phone-centre'],
  [QUEUE.billingTier1, 'billing-t1', 'billing'],
  [QUEUE.billingTier2, 'billing-t2', 'billing'],
  [QUEUE.collections, 'billing-collections', 'billing'],
  [QUEUE.techSupport, 'tech-support', 'field-service'],
  [QUEUE.techEscalations, 'tech-escalations', 'field-service'],
  [QUEUE.fieldDispatch, 'field-dispatch', 'field-service'],
  [QUEUE.retention, 'retention-save', 'retention'],
  [QUEUE.cancellations, 'retention-save', 'retention'],
  [QUEUE.winBack, 'retention-winback', 'retention'],
];

/** The org map of the sample organisation; a fresh object on every call, free to change. */
export function sampleOrgMap(): OrgMap {
  const queues: Record<string, TeamPlacement> = {};
  for (const [queue, team, silo] of PLACEMENTS) queues[queue] = { team, silo };
  return { queues };
}

const AGENTS_PER_TEAM = 12;
// Agent numbers are blocks of a hundred per team (agent-301..312 work in the third team), so a
// reader of the sample can tell an agent's team from the number, as in many real phone systems.
const TEAMS = [...new Set(PLACEMENTS.map(([, team]) => team))];
const AGENT_BLOCK = new Map<string, number>(
  PLACEMENTS.map(([queue, team]) => [queue, (TEAMS.indexOf(team) + 1) * 100]),
);
const UNMAPPED_AGENT_BLOCK = 900;

// Every agent's name written once: the generator names an agent for nearly every event.
const AGENT_NAMES = new Map<number, string>();

/** The number of an agent of the team that works `queue` (agent-<number>). */
export function agentFor(random: Random, queue: QueueName): number {
  return (AGENT_BLOCK.get(queue) ?? UNMAPPED_AGENT_BLOCK) + random.int(1, AGENTS_PER_TEAM);
}

export function agentName(number: number): string {
  let name = AGENT_NAMES.get(number);
  if (name === undefined) AGENT_NAMES.set(number, (name = `agent-${number}`));
  return name;
}

/** Queues by a small number, so that an event can name its queue in a few bits. */
export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUE);
const QUEUE_NUMBERS = new Map<QueueName, number>(QUEUE_NAMES.map((queue, number) => [queue, number]));

export function queueNumber(queue: QueueName): number {
  return QUEUE_NUMBERS.get(queue) as number;
}
