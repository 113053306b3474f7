import { ticketRequester, type CustomerIdentifiersInput } from './customer.ts';
import { agentFor, type QueueName } from './org.ts';
import { DAY, isoTime, MINUTE, type Story } from './story.ts';

export type TicketChannel = 'email' | 'web' | 'chat' | 'social' | 'sms';

export interface TicketOpening {
  queue: QueueName;
  channel: TicketChannel;
  reason: string;
}

/** Zendesk closes a solved ticket after four days; a reply before that reopens it. */
const AUTO_CLOSE = 4 * DAY;

/**
 * A Zendesk ticket of the story. Each step moves the story's clock, as the work would, and
 * records the matching audit event.
 */
export class Ticket {
  private readonly number: number;
  private readonly requester: CustomerIdentifiersInput;
  private audits = 0;
  private queue: QueueName;
  private solvedAt: number | undefined;

  constructor(
    private readonly story: Story,
    private readonly opening: TicketOpening,
  ) {
    this.number = 100_000 + story.sequences.ticket++;
    this.requester = ticketRequester(story.random, story.customer);
    this.queue = opening.queue;
    // Nobody has picked a new ticket up yet: no agent.
    this.record('ticket.created', story.now, undefined, { plan: story.customer.plan });
  }

  /** Moved to another group: for SPEC, a new leg of the contact. */
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

  private agent(): string {
    return agentFor(this.story.random, this.queue);
  }

  private record(
    type: 'ticket.created' | 'ticket.reassigned' | 'ticket.solved' | 'ticket.reopened' | 'ticket.closed',
    at: number,
    agent: string | undefined,
    attributes?: Record<string, string>,
  ): void {
    this.audits += 1;
    this.story.record(at, {
      id: `zd-${this.number}-audit-${this.audits}`,
      type,
      occurredAt: isoTime(at),
      source: 'zendesk',
      customer: { ...this.requester },
      contactId: `ticket-${this.number}`,
      queue: this.queue,
      ...(agent === undefined ? {} : { agent }),
      channel: this.opening.channel,
      reason: this.opening.reason,
      ...(attributes === undefined ? {} : { attributes }),
    });
  }
}
