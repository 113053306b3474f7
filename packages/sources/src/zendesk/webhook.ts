import { pathText, rejected, zodRejection, type Translation } from '../adapter.ts';
import {
  WEBHOOK_TYPE_PREFIX,
  groupChangeSchema,
  statusChangeSchema,
  ticketDetailSchema,
  webhookEventSchema,
  type TicketDetail,
  type WebhookEvent,
} from './schema.ts';
import { statusEventType } from './status.ts';
import { knownUser, requesterIdentifiers, ticketContextOf, ticketCreation, ticketEvent, ticketEventId, translateInTimeOrder, type TicketContext, type ZendeskOptions } from './ticket.ts';

/** Webhook event types that tell a contact's story; every other event type is ignored (no events). */
const TICKET_EVENTS: ReadonlyMap<string, 'created' | 'group' | 'status'> = new Map([
  ['ticket.created', 'created'],
  ['ticket.group_assignment_changed', 'group'],
  // the name some webhook templates and older integrations use for the same change
  ['ticket.group_changed', 'group'],
  ['ticket.status_changed', 'status'],
]);

function ticketContext(webhook: WebhookEvent, detail: TicketDetail, options: ZendeskOptions | undefined): TicketContext | undefined {
  const requester = detail.requester ?? webhook.requester ?? knownUser(detail.requester_id, options);
  const customer = requesterIdentifiers(requester, detail.requester_id);
  if (Object.keys(customer).length === 0) return undefined;
  return ticketContextOf(detail.id, customer, detail.via, detail.group_id, detail.assignee_id);
}

/** One webhook event to zero or one canonical events. */
function translateOne(raw: unknown, at: (string | number)[], options: ZendeskOptions | undefined): Translation {
  const envelope = webhookEventSchema.safeParse(raw);
  if (!envelope.success) return zodRejection(envelope.error, at);
  const webhook = envelope.data;
  const kind = TICKET_EVENTS.get(webhook.type.slice(WEBHOOK_TYPE_PREFIX.length));
  if (kind === undefined) return { ok: true, events: [] };

  const parsedDetail = ticketDetailSchema.safeParse(webhook.detail);
  if (!parsedDetail.success) return zodRejection(parsedDetail.error, [...at, 'detail']);
  const detail = parsedDetail.data;
  const ticket = ticketContext(webhook, detail, options);
  if (ticket === undefined) {
    const path = pathText([...at, 'detail', 'requester']);
    return rejected(`${path}: ticket ${detail.id} names no requester (no requester_id, email or phone)`, path);
  }
  const id = ticketEventId(detail.id, `wh-${webhook.id}`);

  if (kind === 'created') {
    const change = ticketCreation(detail.id, detail.created_at, detail.via, detail.via_followup_source_id);
    return { ok: true, events: [ticketEvent(ticket, change, options)] };
  }

  if (kind === 'group') {
    const change = groupChangeSchema.safeParse(webhook.event);
    if (!change.success) return zodRejection(change.error, [...at, 'event']);
    const groupId = change.data?.current ?? ticket.groupId;
    // a ticket taken out of every group has moved to no queue: nothing to attribute
    if (groupId === undefined) return { ok: true, events: [] };
    const event = ticketEvent(ticket, { id, type: 'ticket.reassigned', occurredAt: webhook.time, groupId }, options);
    return { ok: true, events: [event] };
  }

  const change = statusChangeSchema.safeParse(webhook.event);
  if (!change.success) return zodRejection(change.error, [...at, 'event']);
  const type = statusEventType(change.data.previous, change.data.current);
  if (type === undefined) return { ok: true, events: [] };
  return { ok: true, events: [ticketEvent(ticket, { id, type, occurredAt: webhook.time }, options)] };
}

/**
 * Event-driven webhook deliveries (one, or a batch as an array) to canonical events. Any bad
 * event rejects the whole payload, so a payload is accepted or dead-lettered as one.
 */
export function translateWebhookEvents(
  webhooks: readonly unknown[],
  options: ZendeskOptions | undefined,
  single: boolean,
): Translation {
  return translateInTimeOrder(webhooks, (raw, index) => translateOne(raw, single ? [] : [index], options));
}
