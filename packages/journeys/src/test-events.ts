import type { CanonicalEvent, CustomerIdentifiers, EventType } from '@seamline/schemas';

// Builders for tests: canonical events as validation would leave them, with only what a test
// is about spelled out.

export const ORG_MAP = {
  queues: {
    Q1: { team: 't1', silo: 's1' },
    Q1b: { team: 't1b', silo: 's1' },
    Q2: { team: 't2', silo: 's2' },
  },
};

/** "2026-03-01T10:00" (UTC) as a CanonicalEvent timestamp. */
export function at(local: string): string {
  return new Date(`${local}Z`).toISOString();
}

export function plusMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}

interface EventFields {
  id: string;
  occurredAt: string;
  customer?: CustomerIdentifiers;
  contactId?: string;
  queue?: string;
  source?: string;
  direction?: 'inbound' | 'outbound';
}

function event(type: EventType, fields: EventFields): CanonicalEvent {
  const channel = type.startsWith('billing.') ? 'billing' : type.startsWith('call.') ? 'phone' : 'email';
  return {
    source: type.startsWith('billing.') ? 'stripe' : type.startsWith('call.') ? 'connect' : 'zendesk',
    customer: { email: 'ann@example.com' },
    channel,
    direction: 'inbound',
    ...fields,
    type,
  };
}

export const ticketCreated = (fields: EventFields) => event('ticket.created', { contactId: fields.id, ...fields });
export const ticketReopened = (fields: EventFields) => event('ticket.reopened', fields);
export const ticketReassigned = (fields: EventFields) => event('ticket.reassigned', fields);
export const ticketSolved = (fields: EventFields) => event('ticket.solved', fields);
export const callStarted = (fields: EventFields) => event('call.started', { contactId: fields.id, ...fields });
export const callTransferred = (fields: EventFields) => event('call.transferred', fields);
export const paymentFailed = (fields: EventFields) => event('billing.payment_failed', fields);
export const invoiceIssued = (fields: EventFields) => event('billing.invoice_issued', fields);
