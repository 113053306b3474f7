import type { CanonicalEventInput } from '@seamline/schemas';
import { flatIdentifiers, ticketRequester, type CustomerIdentifiersInput } from './customer.ts';
import { agentFor, agentName, QUEUE_NAMES, queueNumber, type QueueName } from './org.ts';
import { contactCode, fromContactCode, type Card } from './recorded.ts';
import { DAY, isoTime, MINUTE, type Story } from './story.ts';

export type TicketChannel = 'email' | 'web' | 'chat' | 'social' | 'sms';

export interface TicketOpening {
  queue: QueueName;
  channel: TicketChannel;
  reason: string;
}

/** Zendesk closes a solved ticket after four days; a reply before that reopens it. */
const AUTO_CLOSE = 4 * DAY;

const AUDIT_TYPES = ['ticket.created', 'ticket.reassigned', 'ticket.solved', 'ticket.reopened', 'ticket.closed'] as const;
type TicketAuditType = (typeof AUDIT_TYPES)[number];

/**
 * A Zendesk ticket of the story. Each step moves the story's clock, as the work would, and
 * records the matching audit event.
 */
export class Ticket {
  /** Undefined while the story is only counted. */
  private readonly card: TicketCard | undefined;
  private audits = 0;
  private queue: QueueName;
  private solvedAt: number | undefined;

  constructor(
    private readonly story: Story,
    opening: TicketOpening,
  ) {
    const number = 100_000 + story.sequences.ticket++;
    const requester = ticketRequester(story.random, story.customer);
    this.card = story.counting ? undefined : new TicketCard(number, flatIdentifiers(requester), opening.channel, opening.reason, story.customer.plan);
    this.queue = opening.queue;
    // Nobody has picked a new ticket up yet: no agent.
    this.record('ticket.created', story.now, undefined);
  }

  /** Moved to another group: by docs/metrics.md, a new leg of the contact. */
  reassign(queue: QueueName): this {
    this.story.agentLater(10, 240);
    this.queue = queue;
    this.record('ticket.reassigned', this.story.now, this.agent());
    return this;
  }

  solve(): this {
    this.story.agentLater(20, 26 * 60);
    this.solvedAt = this.story.now;
    this.record('ticket.solved', this.story.now, this.agent());
    return this;
  }

  /** The customer answers the solved ticket: a new contact on the same ticket. */
  reopen(): this {
    // Within three days and the next morning at the latest: before the automation closes it.
    this.story.customerLater(2 * 60, 3 * 24 * 60);
    this.solvedAt = undefined;
    this.record('ticket.reopened', this.story.now, undefined);
    return this;
  }

  /** Zendesk's automation closes it in the background; the story's clock does not move. */
  close(): void {
    if (this.solvedAt === undefined) return;
    this.record('ticket.closed', this.solvedAt + AUTO_CLOSE + this.story.random.int(0, 60 * MINUTE), undefined);
  }

  private agent(): number {
    return agentFor(this.story.random, this.queue);
  }

  /** An audit as the ticket stands now: its number, the queue it is in, who works on it (0: nobody). */
  private record(type: TicketAuditType, at: number, agent: number | undefined): void {
    this.audits += 1;
    if (this.card === undefined) this.story.count(at);
    else this.story.record(at, this.card, contactCode(AUDIT_TYPES.indexOf(type), this.audits, queueNumber(this.queue), agent ?? 0));
  }
}

/** What every audit of one ticket says alike; all an audit keeps of its ticket until it is written. */
class TicketCard implements Card {
  constructor(
    private readonly number: number,
    private readonly requester: CustomerIdentifiersInput,
    private readonly channel: TicketChannel,
    private readonly reason: string,
    /** The customer's plan, which Zendesk puts on a new ticket as an attribute. */
    private readonly plan: string,
  ) {}

  get source(): 'zendesk' {
    return 'zendesk';
  }

  write(at: number, code: number): CanonicalEventInput {
    const { type, step, queue, agent } = fromContactCode(code);
    const created = type === 0;
    return {
      id: `zd-${this.number}-audit-${step}`,
      type: AUDIT_TYPES[type] as TicketAuditType,
      occurredAt: isoTime(at),
      source: 'zendesk',
      customer: { ...this.requester },
      contactId: `ticket-${this.number}`,
      queue: QUEUE_NAMES[queue],
      ...(agent === 0 ? {} : { agent: agentName(agent) }),
      channel: this.channel,
      reason: this.reason,
      ...(created ? { attributes: { plan: this.plan } } : {}),
    };
  }
}
