import type { CanonicalEventInput } from '@seamline/schemas';
import { unwrapRecords } from './batch.ts';
import { CONNECT_SOURCE, legEvents } from './events.ts';
import { newestCopies, type ParsedRecord } from './legs.ts';
import { zodRejection, type SourceAdapter, type Translation } from '../adapter.ts';
import { contactRecordSchema } from './schema.ts';

export { callContactId, CONNECT_SOURCE } from './events.ts';
export type { ContactRecord as ConnectContactRecord } from './schema.ts';

/**
 * Amazon Connect contact records to canonical events: one record, an array of records, or a
 * Kinesis-style batch `{ Records: [...] }` (entries plain or base64 in `kinesis.data`). A call and
 * its transfer legs are one contact, `call-<InitialContactId ?? ContactId>`. Every event carries
 * attributes.sourceUpdatedAt (the record's LastUpdateTimestamp) so the store keeps the newest copy.
 */
export const connectAdapter: SourceAdapter<void> = {
  source: CONNECT_SOURCE,
  translate(payload: unknown): Translation {
    const raw = unwrapRecords(payload);
    if (!Array.isArray(raw)) return raw;
    const parsed: ParsedRecord[] = [];
    for (const { record, path } of raw) {
      const result = contactRecordSchema.safeParse(record);
      if (!result.success) return zodRejection(result.error, path);
      parsed.push({ record: result.data, path });
    }
    const events: CanonicalEventInput[] = [];
    for (const leg of newestCopies(parsed)) {
      const translation = legEvents(leg);
      if (!translation.ok) return translation;
      events.push(...translation.events);
    }
    // stable: events of one instant keep leg order (started before ended of a one-leg call)
    events.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
    return { ok: true, events };
  },
};
