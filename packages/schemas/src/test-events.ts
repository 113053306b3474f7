// Test support: events as a source hands them to validation, before any normalising.

/** A Zendesk ticket's creation, its time given with an offset; `fields` adds the rest (id, customer, contact…). */
export const zendeskTicketCreated = (fields: Record<string, unknown>): Record<string, unknown> => ({
  type: 'ticket.created',
  occurredAt: '2026-03-01T11:00:00+01:00',
  source: 'zendesk',
  channel: 'email',
  ...fields,
});
