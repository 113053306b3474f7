import { z } from 'zod';
import { pathText, rejected, zodRejection, type Translation } from '../adapter.ts';
import {
  auditFieldValue,
  auditsPageSchema,
  type Audit,
  type AuditField,
  type AuditsPage,
  type SideloadedTicket,
  type Via,
} from './schema.ts';
import { statusEventType } from './status.ts';
import { knownUser, requesterIdentifiers, ticketContextOf, ticketCreation, ticketEvent, ticketEventId, translateInTimeOrder, type TicketChange, type TicketContext, type ZendeskOptions } from './ticket.ts';

/** What the page has told so far about one ticket, replayed audit by audit. `null`: known to be empty. */
interface TicketState {
  groupId?: string | null;
  assigneeId?: string | null;
  requesterId?: string;
}

interface Page {
  users: ReadonlyMap<string, { email?: string | null; phone?: string | null }>;
  tickets: ReadonlyMap<string, SideloadedTicket>;
  states: Map<string, TicketState>;
  /** `via` of each ticket's creation audit seen so far: the channel the ticket came in through. */
  creationVias: Map<string, Via | null | undefined>;
  options: ZendeskOptions | undefined;
}


const isAuditField = (field: string | null | undefined): field is AuditField =>
  typeof field === 'string' && Object.hasOwn(auditFieldValue, field);

const previousStatus = z.string().nullish();

/** Applies the audit's Create and Change events to the ticket's state; returns the changes they mean. */
function replayAudit(audit: Audit, at: (string | number)[], state: TicketState): TicketChange[] | Translation {
  const changes: TicketChange[] = [];
  for (const [index, event] of audit.events.entries()) {
    if ((event.type !== 'Create' && event.type !== 'Change') || !isAuditField(event.field_name)) continue;
    const field = event.field_name;
    const parsed = auditFieldValue[field].safeParse(event.value);
    if (!parsed.success) return zodRejection(parsed.error, [...at, 'events', index, 'value']);
    const value = parsed.data;
    const id = ticketEventId(audit.ticket_id, `audit-${audit.id}-${event.id ?? `i${index}`}`);
    const occurredAt = audit.created_at;
    if (field === 'status' && typeof value === 'string') {
      const previous = event.type === 'Change' ? previousStatus.safeParse(event.previous_value) : undefined;
      if (previous && !previous.success) return zodRejection(previous.error, [...at, 'events', index, 'previous_value']);
      const type = statusEventType(previous?.data, value);
      if (type !== undefined) changes.push({ id, type, occurredAt });
    } else if (field === 'group_id') {
      state.groupId = value;
      if (event.type === 'Change' && value) changes.push({ id, type: 'ticket.reassigned', occurredAt, groupId: value });
    } else if (field === 'assignee_id') {
      state.assigneeId = value;
    } else if (field === 'requester_id' && value) {
      state.requesterId = value;
    }
  }
  return changes;
}

function creation(audit: Audit, sideload: SideloadedTicket | undefined): TicketChange {
  return ticketCreation(audit.ticket_id, audit.created_at, audit.via ?? sideload?.via, sideload?.via_followup_source_id);
}

/** The ticket as of this audit; its channel is the one it came in through, not the update's. */
function ticketContext(audit: Audit, at: (string | number)[], page: Page): TicketContext | Translation {
  const ticketId = audit.ticket_id;
  const state = page.states.get(ticketId) ?? {};
  const sideload = page.tickets.get(ticketId);
  const requesterId = state.requesterId ?? sideload?.requester_id ?? undefined;
  const customer = requesterIdentifiers(requesterId === undefined ? undefined : (page.users.get(requesterId) ?? knownUser(requesterId, page.options)), requesterId);
  if (Object.keys(customer).length === 0) {
    const path = pathText(at);
    return rejected(`${path}: ticket ${ticketId}: its requester is unknown; request the page with include=users,tickets`, path);
  }
  const groupId = state.groupId === undefined ? sideload?.group_id : state.groupId;
  return ticketContextOf(ticketId, customer, sideload?.via ?? page.creationVias.get(ticketId) ?? audit.via, groupId, state.assigneeId);
}

function translateAudit(audit: Audit, index: number, page: Page): Translation {
  const at = ['audits', index];
  const state = page.states.get(audit.ticket_id) ?? {};
  page.states.set(audit.ticket_id, state);
  const replayed = replayAudit(audit, at, state);
  if (!Array.isArray(replayed)) return replayed;
  const changes = [...replayed];
  if (audit.events.some((event) => event.type === 'Create')) {
    page.creationVias.set(audit.ticket_id, audit.via);
    changes.unshift(creation(audit, page.tickets.get(audit.ticket_id)));
  }
  if (changes.length === 0) return { ok: true, events: [] };
  const ticket = ticketContext(audit, at, page);
  if ('ok' in ticket) return ticket;
  return { ok: true, events: changes.map((change) => ticketEvent(ticket, change, page.options)) };
}

/**
 * A Ticket Audits page to canonical events. Audits are replayed in time order so each event sees
 * the ticket's group, assignee and requester as they were then; what the page does not show falls
 * back to the `tickets` sideload (the ticket as it is now).
 */
export function translateAuditsPage(raw: unknown, options: ZendeskOptions | undefined): Translation {
  const parsed = auditsPageSchema.safeParse(raw);
  if (!parsed.success) return zodRejection(parsed.error, []);
  const data: AuditsPage = parsed.data;
  const page: Page = {
    users: new Map((data.users ?? []).map((user) => [user.id, user])),
    tickets: new Map((data.tickets ?? []).map((ticket) => [ticket.id, ticket])),
    states: new Map(),
    creationVias: new Map(),
    options,
  };
  const inOrder = data.audits
    .map((audit, index) => ({ audit, index }))
    .sort((a, b) => Date.parse(a.audit.created_at) - Date.parse(b.audit.created_at));
  return translateInTimeOrder(inOrder, ({ audit, index }) => translateAudit(audit, index, page));
}
