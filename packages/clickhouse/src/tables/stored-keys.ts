import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { EVENTS_TABLE } from './events.ts';
import { IDENTITIES_TABLE } from './identities.ts';
import { namedRead } from './named-query.ts';

export type StoredKeyKind = 'event' | 'identifier' | 'thread';

const PAGE = 500_000;

// Pages of many narrow rows: as arrays (JSONCompactEachRow), cheaper to encode and parse than objects.
const eventKeysRow = z.tuple([z.string(), z.string().nullable()]);
const identifierRow = z.tuple([z.string()]);

/**
 * Every event id, ticket or call id and identifier stored, page by page along each table's sort
 * key (so memory stays bounded by one page): what the stitcher's filter of stored keys is
 * rebuilt from at start. Copies of one id may repeat; the caller does not mind.
 */
export async function streamStoredKeys(client: ClickHouseClient, onKey: (kind: StoredKeyKind, value: string) => void): Promise<void> {
  let after = '';
  for (;;) {
    const rows = await namedRead(
      client,
      'stored-keys.events',
      `SELECT id, contact_id FROM ${EVENTS_TABLE} WHERE id > {after:String} ORDER BY id LIMIT ${PAGE}`,
      { after },
      eventKeysRow,
      'JSONCompactEachRow',
    );
    for (const [id, contactId] of rows) {
      onKey('event', id);
      if (contactId !== null) onKey('thread', contactId);
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]![0];
  }
  after = '';
  for (;;) {
    const rows = await namedRead(
      client,
      'stored-keys.identifiers',
      `SELECT identifier FROM ${IDENTITIES_TABLE} WHERE identifier > {after:String} ORDER BY identifier LIMIT ${PAGE}`,
      { after },
      identifierRow,
      'JSONCompactEachRow',
    );
    for (const [identifier] of rows) onKey('identifier', identifier);
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1]![0];
  }
}
