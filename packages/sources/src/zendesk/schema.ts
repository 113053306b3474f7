import { z } from 'zod';

/**
 * The Zendesk payloads this adapter reads, as zod schemas: only the fields it uses, so that a
 * change elsewhere in Zendesk's payloads never rejects a delivery. Unknown keys are stripped.
 */

/** Ids arrive as JSON numbers from the REST API and as digit strings from event webhooks. */
const ID_MESSAGE = 'must be a Zendesk id (a whole number or a string of digits)';
export const zendeskId = z
  .union(
    [
      z.number().int({ error: ID_MESSAGE }).nonnegative({ error: ID_MESSAGE }).max(Number.MAX_SAFE_INTEGER, { error: ID_MESSAGE }),
      z.string().regex(/^\d{1,20}$/, { error: ID_MESSAGE }),
    ],
    { error: ID_MESSAGE },
  )
  .transform(String);

/** ISO 8601 with offset, to UTC with milliseconds (webhook times carry nanoseconds). */
export const zendeskTime = z.iso
  .datetime({ offset: true })
  .transform((time) => new Date(Date.parse(time)).toISOString());

/** Who asked: the requester's contact details, when the payload carries them. */
export const requesterSchema = z.object({
  id: zendeskId.nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
});
export type Requester = z.infer<typeof requesterSchema>;

/** How a ticket or an update came in. `source` is only in REST payloads, not in webhook details. */
export const viaSchema = z.object({
  channel: z.string().nullish(),
  source: z
    .object({
      rel: z.string().nullish(),
      from: z.object({ ticket_id: zendeskId.nullish() }).nullish(),
    })
    .nullish(),
});
export type Via = z.infer<typeof viaSchema>;

export const WEBHOOK_TYPE_PREFIX = 'zen:event-type:';

/** The envelope of an event-driven webhook; `detail` is read per event type (ticketDetailSchema). */
export const webhookEventSchema = z.object({
  type: z.string().startsWith(WEBHOOK_TYPE_PREFIX, `must start with "${WEBHOOK_TYPE_PREFIX}"`),
  id: z.string().min(1).max(100),
  time: zendeskTime,
  detail: z.unknown().optional(),
  event: z.unknown().optional(),
  requester: requesterSchema.nullish(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** `detail` of ticket events: the ticket after the change. */
export const ticketDetailSchema = z.object({
  id: zendeskId,
  requester_id: zendeskId.nullish(),
  assignee_id: zendeskId.nullish(),
  group_id: zendeskId.nullish(),
  status: z.string().nullish(),
  via: viaSchema.nullish(),
  via_followup_source_id: zendeskId.nullish(),
  created_at: zendeskTime,
  requester: requesterSchema.nullish(),
});
export type TicketDetail = z.infer<typeof ticketDetailSchema>;

/** A group reference in `event.current` / `event.previous`: the id itself or `{ id }`. */
const groupReference = z
  .union([zendeskId, z.object({ id: zendeskId })], { error: 'must be a group id or { id }' })
  .transform((ref) =>
  typeof ref === 'string' ? ref : ref.id,
);

export const groupChangeSchema = z
  .object({ current: groupReference.nullish(), previous: groupReference.nullish() })
  .nullish();

export const statusChangeSchema = z.object({
  current: z.string(),
  previous: z.string().nullish(),
});

/** One entry of `audit.events`: only Create and Change of a few fields matter here. */
const auditEventSchema = z.object({
  id: zendeskId.nullish(),
  type: z.string(),
  field_name: z.string().nullish(),
  value: z.unknown().optional(),
  previous_value: z.unknown().optional(),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;

const auditSchema = z.object({
  id: zendeskId,
  ticket_id: zendeskId,
  created_at: zendeskTime,
  via: viaSchema.nullish(),
  events: z.array(auditEventSchema),
});
export type Audit = z.infer<typeof auditSchema>;

const sideloadedTicketSchema = z.object({
  id: zendeskId,
  requester_id: zendeskId.nullish(),
  group_id: zendeskId.nullish(),
  via: viaSchema.nullish(),
  via_followup_source_id: zendeskId.nullish(),
});
export type SideloadedTicket = z.infer<typeof sideloadedTicketSchema>;

/** A page of the Ticket Audits API, with the `users` and `tickets` sideloads (include=users,tickets). */
export const auditsPageSchema = z.object({
  audits: z.array(auditSchema),
  users: z.array(requesterSchema.extend({ id: zendeskId })).nullish(),
  tickets: z.array(sideloadedTicketSchema).nullish(),
});
export type AuditsPage = z.infer<typeof auditsPageSchema>;

/** The typed value of the audit fields this adapter follows. */
export const auditFieldValue = {
  status: z.string(),
  group_id: zendeskId.nullable(),
  assignee_id: zendeskId.nullable(),
  requester_id: zendeskId,
} as const;
export type AuditField = keyof typeof auditFieldValue;
