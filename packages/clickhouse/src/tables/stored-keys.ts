import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { EVENTS_TABLE } from './events.ts';
import { IDENTITIES_TABLE } from './identities.ts';
import { namedRead } from './named-query.ts';

export type StoredKeyKind = 'event' | 'identifier' | 'thread';

const PAGE = 500_000;

// A page of keys comes as one row of columns (the keys, the ticket or call ids that are set, since
// groupArray leaves NULL out, and the last key):
// parsing two arrays of strings costs a fifth of parsing as many rows, which matters for the
// millions of keys a restarted stitcher reads.
const eventKeysPage = z.tuple([z.array(z.string()), z.array(z.string()), z.string()]);
const identifiersPage = z.tuple([z.array(z.string()), z.string()]);

/**
 * Every event id, ticket or call id and identifier stored, page by page along each table's sort
 * key (so memory stays bounded by one page): what the stitcher's filter of stored keys is
 * rebuilt from at start. Copies of one id may repeat; the caller does not mind.
 */
export async function streamStoredKeys(client: ClickHouseClient, onKey: (kind: StoredKeyKind, value: string) => void): Promise<void> {
  let after = '';
  for (;;) {
    const [[ids, contactIds, last] = [[], [], '']] = await namedRead(
      client,
      'stored-keys.events',
      `SELECT groupArray(id), groupArray(contact_id), max(id)
       FROM (SELECT id, contact_id FROM ${EVENTS_TABLE} WHERE id > {after:String} ORDER BY id LIMIT ${PAGE})`,
      { after },
      eventKeysPage,
      'JSONCompactEachRow',
    );
    for (const id of ids) onKey('event', id);
    for (const contactId of contactIds) onKey('thread', contactId);
    if (ids.length < PAGE) break;
    after = last;
  }
  after = '';
  for (;;) {
    const [[identifiers, last] = [[], '']] = await namedRead(
      client,
      'stored-keys.identifiers',
      `SELECT groupArray(identifier), max(identifier)
       FROM (SELECT identifier FROM ${IDENTITIES_TABLE} WHERE identifier > {after:String} ORDER BY identifier LIMIT ${PAGE})`,
      { after },
      identifiersPage,
      'JSONCompactEachRow',
    );
    for (const identifier of identifiers) onKey('identifier', identifier);
    if (identifiers.length < PAGE) break;
    after = last;
  }
}
