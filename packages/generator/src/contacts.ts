import { Call } from './call.ts';
import type { QueueName } from './org.ts';
import {
  callHome,
  escalationOf,
  firstCallQueue,
  firstTicketGroup,
  reasonFor,
  ticketChannel,
  ticketHome,
  type Topic,
} from './routing.ts';
import type { Story } from './story.ts';
import { Ticket, type TicketChannel } from './ticket.ts';

export interface ContactOptions {
  reason?: string;
  channel?: TicketChannel;
}

/**
 * An inbound call about `topic`: it lands where the phone menu sends it and, more often than not,
 * moves on to the team that can help. The caller decides when it ends.
 */
export function callAbout(story: Story, topic: Topic, options: ContactOptions = {}): Call {
  const { random } = story;
  const reason = options.reason ?? reasonFor(random, topic);
  const first = firstCallQueue(random, topic);
  const call = new Call(story, { queue: first, reason });
  const home = callHome(topic);
  if (first !== home && random.chance(0.85)) call.transfer(home);
  if (random.chance(0.08)) call.transfer(escalationOf(home));
  return call;
}

/**
 * A written ticket about `topic`: created in the channel's group, reassigned to the team that can
 * answer it when that is someone else, sometimes escalated. The caller decides how it ends.
 */
export function writeAbout(story: Story, topic: Topic, options: ContactOptions = {}): Ticket {
  const { random } = story;
  const channel = options.channel ?? ticketChannel(random);
  const reason = options.reason ?? reasonFor(random, topic);
  const first = firstTicketGroup(random, channel, topic);
  const ticket = new Ticket(story, { queue: first, channel, reason });
  const home = ticketHome(topic);
  if (first !== home) ticket.reassign(home);
  if (random.chance(0.1)) ticket.reassign(escalationOf(home));
  return ticket;
}

/** An outbound call from a team to the customer: never a contact, but part of the journey. */
export function callCustomer(story: Story, from: QueueName, reason: string): void {
  new Call(story, { queue: from, reason, direction: 'outbound' }).end();
}
