import { rejected, type Translation } from '../adapter.ts';

/** One record of a payload, still unparsed, with where it sits in the payload (for rejections). */
export interface RawRecord {
  record: unknown;
  path: (string | number)[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A Kinesis record carries the CTR as base64 JSON in `kinesis.data`. */
function decodeKinesis(entry: Record<string, unknown>, path: (string | number)[]): RawRecord | Translation {
  const data = isObject(entry.kinesis) ? entry.kinesis.data : undefined;
  const dataPath = [...path, 'kinesis', 'data'];
  const where = dataPath.join('.');
  if (typeof data !== 'string') return rejected(`${where}: expected base64 JSON of a contact record`, where);
  try {
    return { record: JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown, path: dataPath };
  } catch {
    return rejected(`${where}: not base64 JSON`, where);
  }
}

/**
 * The records of a payload: one record, an array of records, or a Kinesis-style batch
 * `{ Records: [...] }` whose entries are records or Kinesis records (`{ kinesis: { data } }`).
 */
export function unwrapRecords(payload: unknown): RawRecord[] | Translation {
  if (Array.isArray(payload)) return payload.map((record: unknown, index) => ({ record, path: [index] }));
  if (isObject(payload) && 'ContactId' in payload) return [{ record: payload, path: [] }];
  if (!isObject(payload) || !('Records' in payload)) {
    return rejected('not a Connect payload: expected a contact record ({ ContactId, … }), an array of them, or { Records: [...] }');
  }
  if (!Array.isArray(payload.Records)) return rejected('Records: expected an array of contact records', 'Records');
  const records: RawRecord[] = [];
  for (const [index, entry] of (payload.Records as unknown[]).entries()) {
    const path = ['Records', index];
    if (isObject(entry) && 'kinesis' in entry && !('ContactId' in entry)) {
      const decoded = decodeKinesis(entry, path);
      if ('ok' in decoded) return decoded;
      records.push(decoded);
    } else {
      records.push({ record: entry, path });
    }
  }
  return records;
}
