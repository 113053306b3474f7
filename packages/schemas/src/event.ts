import { z } from 'zod';

/** Every event type of the canonical event v1 (docs/events.md). */
export const EVENT_TYPES = [
  'ticket.created',
  'ticket.reassigned',
  'ticket.solved',
  'ticket.reopened',
  'ticket.closed',
  'call.started',
  'call.transferred',
  'call.ended',
  'billing.invoice_issued',
  'billing.payment_failed',
  'billing.payment_succeeded',
  'billing.refund_issued',
  'billing.dispute_opened',
  'billing.plan_changed',
  'billing.subscription_canceled',
] as const;

export const CHANNELS = ['phone', 'email', 'chat', 'web', 'social', 'sms', 'billing'] as const;

export const eventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof eventType>;

const nonEmpty = (max: number) => z.string().min(1).max(max);

/** The longest value each identifier may have as sent. */
export const IDENTIFIER_MAX_LENGTH = { email: 320, phone: 64, billingId: 200, crmId: 200, sourceId: 200 } as const;

/** The queue of a handoff out of the organisation (a call transferred to an outside number): `external:<endpoint>` (docs/events.md). */
export const EXTERNAL_QUEUE_PREFIX = 'external:';

/** A source name: lowercase letters, digits, "_", "." or "-". */
export const SOURCE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;

export const customerIdentifiers = z
  .object({
    email: nonEmpty(IDENTIFIER_MAX_LENGTH.email).optional(),
    phone: nonEmpty(IDENTIFIER_MAX_LENGTH.phone).optional(),
    billingId: nonEmpty(IDENTIFIER_MAX_LENGTH.billingId).optional(),
    crmId: nonEmpty(IDENTIFIER_MAX_LENGTH.crmId).optional(),
    sourceId: nonEmpty(IDENTIFIER_MAX_LENGTH.sourceId)
      .optional()
      .describe('An identifier only its source understands, "<source>:<kind>:<value>", e.g. "zendesk:user:5158" or "stripe:charge:ch_1"; links like any other.'),
  })
  .describe('At least one identifier of the customer; identifiers that occur together are linked.');

/**
 * The canonical event v1 as it arrives on the wire (docs/events.md).
 * Structure only: identifier normalisation and the per-type rules live in validate.ts.
 */
export const canonicalEventV1 = z
  .object({
    id: nonEmpty(200).describe('Unique per producer: the idempotency key.'),
    type: eventType,
    occurredAt: z.iso
      .datetime({ offset: true })
      .describe('ISO 8601 with offset; stored in UTC with millisecond precision.'),
    source: z
      .string()
      .regex(SOURCE_PATTERN, 'must be lowercase letters, digits, "_", "." or "-"')
      .describe('System of record, lowercase.'),
    customer: customerIdentifiers,
    contactId: nonEmpty(200).optional().describe('Ticket or call id; required for ticket.* and call.*.'),
    queue: nonEmpty(200).optional().describe('Queue or group as the source names it; for reassigned/transferred the queue the work moved to.'),
    agent: nonEmpty(200).optional(),
    channel: z.enum(CHANNELS),
    direction: z.enum(['inbound', 'outbound']).optional().describe('Default inbound.'),
    reason: nonEmpty(200).optional(),
    attributes: z
      .record(z.string().min(1).max(100), z.string().max(2_000))
      .refine((attributes) => Object.keys(attributes).length <= 50, 'at most 50 attributes')
      .meta({ maxProperties: 50 })
      .optional()
      .describe('Further facts of the source, as text: at most 50, names up to 100 characters, values up to 2,000.'),
  })
  .meta({ title: 'Seamline canonical event v1', $id: 'https://seamline.dev/schemas/canonical-event.v1.json' });

export type CanonicalEventInput = z.infer<typeof canonicalEventV1>;

export interface CustomerIdentifiers {
  email?: string;
  phone?: string;
  billingId?: string;
  crmId?: string;
  /** "<source>:<kind>:<value>": an id only its source understands (a Zendesk requester, a Stripe charge). */
  sourceId?: string;
}

/** An accepted event after validation and normalisation: what Kafka carries and ClickHouse stores. */
export interface CanonicalEvent {
  id: string;
  type: EventType;
  /** UTC, ISO 8601 with milliseconds. */
  occurredAt: string;
  source: string;
  customer: CustomerIdentifiers;
  contactId?: string;
  queue?: string;
  agent?: string;
  channel: (typeof CHANNELS)[number];
  direction: 'inbound' | 'outbound';
  reason?: string;
  attributes?: Record<string, string>;
}
