import type { EventType } from '@seamline/schemas';

type StatusEventType = Extract<EventType, 'ticket.solved' | 'ticket.reopened' | 'ticket.closed'>;

const DONE = new Set(['solved', 'closed']);
const ACTIVE = new Set(['new', 'open', 'pending', 'hold']);

/**
 * The canonical event a status change means: into solved or closed, or out of solved (closed
 * tickets cannot reopen in Zendesk; a reply creates a follow-up ticket instead) back to work.
 * Other moves (new → open, open → pending) are work inside one contact and mean nothing here.
 * Statuses are compared lower-cased: webhooks send "SOLVED", the REST API "solved".
 */
export function statusEventType(previous: string | null | undefined, current: string): StatusEventType | undefined {
  const from = previous?.trim().toLowerCase();
  const to = current.trim().toLowerCase();
  if (from === to) return undefined;
  if (to === 'closed') return 'ticket.closed';
  if (to === 'solved') return 'ticket.solved';
  if (from !== undefined && DONE.has(from) && ACTIVE.has(to)) return 'ticket.reopened';
  return undefined;
}
