import { QUEUE, type QueueName } from './org.ts';
import type { Random } from './random.ts';
import type { TicketChannel } from './ticket.ts';

/** What the customer wants; it decides which team can actually help. */
export type Topic = 'billing' | 'tech' | 'account' | 'general';

const REASONS: Record<Topic, readonly string[]> = {
  billing: ['billing/double-charge', 'billing/invoice-question', 'billing/refund-status', 'billing/plan-change'],
  tech: ['tech/no-connection', 'tech/slow-speed', 'tech/router-fault', 'tech/appointment'],
  account: ['account/address-change', 'account/contract-question', 'account/cancel'],
  general: ['general/question', 'general/complaint'],
};

export function pickTopic(random: Random): Topic {
  return random.weighted([
    ['billing', 30],
    ['tech', 35],
    ['account', 15],
    ['general', 20],
  ] as const);
}

export function reasonFor(random: Random, topic: Topic): string {
  return random.pick(REASONS[topic]);
}

/** The phone queue whose team can answer the topic. */
export function callHome(topic: Topic): QueueName {
  if (topic === 'billing') return QUEUE.billingTier1;
  if (topic === 'tech') return QUEUE.techSupport;
  return QUEUE.phoneGeneral;
}

/** The ticket group whose team can answer the topic. */
export function ticketHome(topic: Topic): QueueName {
  if (topic === 'billing') return QUEUE.billingTier1;
  if (topic === 'tech') return QUEUE.techSupport;
  return QUEUE.supportGeneral;
}

/** Where the phone menu sends a caller: often right, often the general line, rarely the new Spanish line. */
export function firstCallQueue(random: Random, topic: Topic): QueueName {
  return random.weighted([
    [callHome(topic), 60],
    [QUEUE.phoneGeneral, 28],
    [QUEUE.phoneOverflow, 8],
    [QUEUE.phoneSales, 3],
    [QUEUE.phoneSpanish, 0.6],
  ] as const);
}

export function ticketChannel(random: Random): TicketChannel {
  return random.weighted([
    ['email', 50],
    ['web', 25],
    ['chat', 15],
    ['social', 5],
    ['sms', 5],
  ] as const);
}

/** Where a new written ticket lands: the channel's front-line group, or the web form's category. */
export function firstTicketGroup(random: Random, channel: TicketChannel, topic: Topic): QueueName {
  if (channel === 'chat') return QUEUE.supportChat;
  if (channel === 'social' || channel === 'sms') return QUEUE.socialCare;
  if (channel === 'web' && random.chance(0.6)) return ticketHome(topic);
  return QUEUE.supportGeneral;
}

/** The next tier up, for work the first team cannot finish. */
export function escalationOf(queue: QueueName): QueueName {
  switch (queue) {
    case QUEUE.billingTier1:
      return QUEUE.billingTier2;
    case QUEUE.techSupport:
      return QUEUE.techEscalations;
    case QUEUE.techEscalations:
      return QUEUE.fieldDispatch;
    case QUEUE.billingTier2:
      return QUEUE.collections;
    default:
      return QUEUE.supportTier2;
  }
}
