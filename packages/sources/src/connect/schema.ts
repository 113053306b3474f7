import { z } from 'zod';

/**
 * An Amazon Connect contact record (CTR) as Connect exports it to Kinesis or S3: only the fields
 * this adapter reads. Connect leaves absent parts null (Queue, Agent, CustomerEndpoint…).
 */

/** Contact ids are UUIDs; the bound keeps event ids under the canonical 200 characters. */
const contactId = z.string().min(1).max(128);

/** ISO 8601 with offset, to UTC with milliseconds. */
const connectTime = z.iso
  .datetime({ offset: true })
  .transform((time) => new Date(Date.parse(time)).toISOString());

export const CHANNELS = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;

export const contactRecordSchema = z.object({
  ContactId: contactId,
  InitialContactId: contactId.nullish(),
  PreviousContactId: contactId.nullish(),
  NextContactId: contactId.nullish(),
  Channel: z.enum(CHANNELS),
  /** Kept open: Connect adds methods over time, and unknown ones are ignored, not rejected. */
  InitiationMethod: z.string().min(1),
  InitiationTimestamp: connectTime.nullish(),
  DisconnectTimestamp: connectTime.nullish(),
  LastUpdateTimestamp: connectTime,
  CustomerEndpoint: z.object({ Address: z.string().nullish(), Type: z.string().nullish() }).nullish(),
  Queue: z.object({ Name: z.string().nullish(), EnqueueTimestamp: connectTime.nullish() }).nullish(),
  Agent: z.object({ Username: z.string().nullish() }).nullish(),
  /** Where an agent or flow transferred the call when it left Connect (an outside number): no next contact then. */
  TransferredToEndpoint: z.object({ Address: z.string().nullish(), Type: z.string().nullish() }).nullish(),
  TransferCompletedTimestamp: connectTime.nullish(),
});
export type ContactRecord = z.infer<typeof contactRecordSchema>;
