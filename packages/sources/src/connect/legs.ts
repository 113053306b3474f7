import type { ContactRecord } from './schema.ts';

export interface ParsedRecord {
  record: ContactRecord;
  path: (string | number)[];
}

/**
 * Connect delivers each record at least once and re-sends it when it is updated: of several copies
 * of one ContactId, only the newest by LastUpdateTimestamp counts (on a tie, the later in the
 * payload). The result keeps the payload order of each contact's first copy.
 */
export function newestCopies(records: readonly ParsedRecord[]): ParsedRecord[] {
  const newest = new Map<string, ParsedRecord>();
  for (const candidate of records) {
    const id = candidate.record.ContactId;
    const kept = newest.get(id);
    const newer = kept === undefined || Date.parse(candidate.record.LastUpdateTimestamp) >= Date.parse(kept.record.LastUpdateTimestamp);
    if (newer) newest.set(id, candidate);
  }
  return [...newest.values()];
}
