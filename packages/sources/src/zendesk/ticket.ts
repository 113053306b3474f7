import type { CanonicalEventInput, CustomerIdentifiers } from '@seamline/schemas';
import type { Translation } from '../adapter.ts';
import { canonicalChannel, followUpSource, ticketDirection, viaChannelName } from './channel.ts';
import type { Requester, Via } from './schema.ts';

export const ZENDESK_SOURCE = 'zendesk';

/** Configuration of the Zendesk adapter. */
export interface ZendeskOptions {
  /** Group id → group name, as the org map knows the queue. Unknown ids become `zendesk-group-<id>`. */
  groups?: Readonly<Record<string, string>>;
  /** User id → email and phone (an export of end users): who a requester named only by id is. */
  users?: Readonly<Record<string, { email?: string | null | undefined; phone?: string | null | undefined }>>;
}

/** The user's contact details from the users option, when it knows the id. */
export function knownUser(userId: string | null | undefined, options: ZendeskOptions | undefined): Requester | undefined {
  const users: unknown = options?.users;
  if (!userId || typeof users !== 'object' || users === null || !Object.hasOwn(users, userId)) return undefined;
  return (users as Record<string, Requester>)[userId];
}

/** A ticket is the contact: every event of ticket 4711 carries contactId `ticket-4711`. */
export const ticketContactId = (ticketId: string): string => `ticket-${ticketId}`;

/**
 * Event ids are built from Zendesk's own ids only, so a redelivered payload gives the same ids.
 * A ticket is created once, so its creation has one id whichever path (webhook or audits) reports it.
 */
export const ticketEventId = (ticketId: string, fact: string): string => `zendesk-ticket-${ticketId}-${fact}`;

const MAX_QUEUE = 200;

/** The queue of a group: its configured name, or `zendesk-group-<id>` so it shows up as unmapped. */
export function groupQueue(groupId: string, options: ZendeskOptions | undefined): string {
  const groups: unknown = options?.groups;
  if (typeof groups === 'object' && groups !== null && Object.hasOwn(groups, groupId)) {
    const name: unknown = (groups as Record<string, unknown>)[groupId];
    if (typeof name === 'string' && name.trim().length > 0 && name.length <= MAX_QUEUE) return name.trim();
  }
  return `zendesk-group-${groupId}`;
}

/** The Zendesk user as a source-scoped identifier (docs/events.md). */
export const zendeskUserId = (userId: string): string => `zendesk:user:${userId}`;

/**
 * The requester as identifiers: the Zendesk user id (`zendesk:user:<id>`), with the email and
 * phone when the payload shows them, which links that id to them. Ticket event webhooks name the
 * requester only by id: such events join the customer once any event shows the id with an email or
 * phone. Normalising and dropping bad values is validation's job.
 */
export function requesterIdentifiers(requester: Requester | null | undefined, requesterId?: string | null): CustomerIdentifiers {
  const customer: CustomerIdentifiers = {};
  if (requester?.email) customer.email = requester.email;
  if (requester?.phone) customer.phone = requester.phone;
  const id = requesterId ?? requester?.id;
  if (id) customer.sourceId = zendeskUserId(id);
  return customer;
}

/** What every canonical event of one ticket shares, whatever the change. */
export interface TicketContext {
  ticketId: string;
  customer: CustomerIdentifiers;
  channel: CanonicalEventInput['channel'];
  viaChannel?: string;
  groupId?: string;
  assigneeId?: string;
}

export interface TicketChange {
  id: string;
  type: CanonicalEventInput['type'];
  occurredAt: string;
  /** The group the change is about (reassigned); otherwise the ticket's group. */
  groupId?: string;
  direction?: CanonicalEventInput['direction'];
  followUpOf?: string;
}

/**
 * What the ticket's events share, from how it came in (`via`, whose channel stays in
 * attributes.viaChannel) and its group and assignee as known then.
 */
export function ticketContextOf(
  ticketId: string,
  customer: CustomerIdentifiers,
  via: Via | null | undefined,
  groupId: string | null | undefined,
  assigneeId: string | null | undefined,
): TicketContext {
  const viaChannel = viaChannelName(via);
  return {
    ticketId,
    customer,
    channel: canonicalChannel(viaChannel),
    ...(viaChannel === undefined ? {} : { viaChannel }),
    ...(groupId ? { groupId } : {}),
    ...(assigneeId ? { assigneeId } : {}),
  };
}

/** The ticket's creation, whichever path (webhook or audits) reports it: its direction and the ticket it follows up come from its via. */
export function ticketCreation(ticketId: string, occurredAt: string, via: Via | null | undefined, followupSourceId: string | null | undefined): TicketChange {
  const followUpOf = followUpSource(via, followupSourceId);
  return {
    id: ticketEventId(ticketId, 'created'),
    type: 'ticket.created',
    occurredAt,
    direction: ticketDirection(via),
    ...(followUpOf === undefined ? {} : { followUpOf }),
  };
}

export function ticketEvent(ticket: TicketContext, change: TicketChange, options: ZendeskOptions | undefined): CanonicalEventInput {
  const groupId = change.groupId ?? ticket.groupId;
  const attributes: Record<string, string> = {};
  if (ticket.viaChannel) attributes.viaChannel = ticket.viaChannel;
  if (change.followUpOf) attributes.followUpOf = ticketContactId(change.followUpOf);
  return {
    id: change.id,
    type: change.type,
    occurredAt: change.occurredAt,
    source: ZENDESK_SOURCE,
    customer: { ...ticket.customer },
    contactId: ticketContactId(ticket.ticketId),
    ...(groupId === undefined ? {} : { queue: groupQueue(groupId, options) }),
    ...(ticket.assigneeId === undefined ? {} : { agent: `zendesk-user-${ticket.assigneeId}` }),
    channel: ticket.channel,
    ...(change.direction === undefined ? {} : { direction: change.direction }),
    ...(Object.keys(attributes).length === 0 ? {} : { attributes }),
  };
}

/**
 * Each item translated in turn, all or nothing: the first rejection rejects the whole payload.
 * Otherwise the events in time order (stable: ties keep the order they were produced in), each id once.
 */
export function translateInTimeOrder<T>(items: Iterable<T>, translate: (item: T, index: number) => Translation): Translation {
  const events: CanonicalEventInput[] = [];
  let index = 0;
  for (const item of items) {
    const outcome = translate(item, index++);
    if (!outcome.ok) return outcome;
    events.push(...outcome.events);
  }
  const seen = new Set<string>();
  const unique = events.filter((event) => !seen.has(event.id) && seen.add(event.id));
  return { ok: true, events: unique.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt)) };
}
