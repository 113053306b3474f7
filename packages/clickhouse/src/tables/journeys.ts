import type { ClickHouseClient } from '@clickhouse/client';
import { crossSiloFlips, maturityMs, type Contact, type CustomerJourneys } from '@seamline/journeys';
import { z } from 'zod';
import { MERGES_TABLE } from './identities.ts';
import { buildRollupHours, hoursOf, markRollupHoursDirty } from './rollups.ts';
import {
  CONTACTS_TABLE,
  HANDOFFS_TABLE,
  JOURNEY_MODEL_TABLE,
  journeyModelRow,
  JOURNEYS_TABLE,
  type ContactTableRow,
  type handoffDeletionRow,
  type HandoffTableRow,
  type journeyDeletionRow,
  type JourneyTableRow,
} from './journey-tables.ts';
import { namedInsert, namedRead } from './named-query.ts';
import { recordTablesWrite } from './tables-state.ts';

export {
  CONTACTS_TABLE,
  HANDOFFS_TABLE,
  JOURNEY_MODEL_TABLE,
  JOURNEYS_TABLE,
  contactTableRow,
  journeyTableRow,
  handoffTableRow,
  type ContactTableRow,
  type JourneyTableRow,
  type HandoffTableRow,
} from './journey-tables.ts';

export interface JourneyRows {
  contacts: ContactTableRow[];
  journeys: JourneyTableRow[];
  handoffs: HandoffTableRow[];
}

/**
 * A journey or handoff that no longer exists, by its key and the start its rows are sorted and
 * partitioned by (the journey's, or its contact's): a deletion marker must land beside the row.
 */
export interface GoneRow {
  id: string;
  start: string;
}

/** Per-customer facts of the rows that an earlier asOf reads (see migrations/011_as_of_tables.sql). */
function legColumns(contact: Pick<Contact, 'legs'> | undefined) {
  const legs = contact?.legs ?? [];
  return { at: legs.map((leg) => leg.at), team: legs.map((leg) => leg.team), silo: legs.map((leg) => leg.silo) };
}

/** A transfer is identified by its contact and its place among the contact's transfers; a bounce by its later contact. */
export const handoffId = (contactEventId: string, kind: 'transfer' | 'bounce', index: number) =>
  kind === 'bounce' ? `${contactEventId}:bounce` : `${contactEventId}:transfer:${index}`;

/** The rows of customers' journey models, as the tables hold them. */
export function journeyRows(customers: readonly CustomerJourneys[], modelVersion: string, repeatWindowMs: number, computedAt: Date): JourneyRows {
  const computed_at = computedAt.toISOString();
  const rows: JourneyRows = { contacts: [], journeys: [], handoffs: [] };
  for (const customer of customers) {
    const contactById = new Map(customer.contacts.map((contact) => [contact.eventId, contact]));
    customer.contacts.forEach((contact, i) => {
      const transfers = contact.handoffs.filter((h) => h.kind === 'transfer');
      const legs = legColumns(contact);
      const previous = legColumns(contact.repeat ? customer.contacts[i - 1] : undefined);
      rows.contacts.push({
        event_id: contact.eventId,
        customer_id: contact.customerId,
        journey_id: contact.journeyId,
        source: contact.source,
        contact_id: contact.contactId,
        type: contact.type,
        channel: contact.channel,
        reason: contact.reason,
        start: contact.start,
        mature_at: new Date(maturityMs(Date.parse(contact.start), repeatWindowMs)).toISOString(),
        first_team: contact.firstTeam,
        first_silo: contact.firstSilo,
        final_team: contact.finalTeam,
        final_silo: contact.finalSilo,
        legs: contact.legs.length,
        transfers: transfers.length,
        cross_silo_transfers: transfers.filter((h) => h.crossSilo).length,
        is_repeat: contact.repeat ? 1 : 0,
        resolved_first_contact: contact.resolvedAtFirstContact ? 1 : 0,
        legs_at: legs.at,
        legs_team: legs.team,
        legs_silo: legs.silo,
        previous_legs_at: previous.at,
        previous_legs_team: previous.team,
        previous_legs_silo: previous.silo,
        next_start: customer.contacts[i + 1]?.start ?? null,
        last_leg_at: legs.at[legs.at.length - 1]!,
        model_version: modelVersion,
        computed_at,
      });
      let transferIndex = 0;
      for (const handoff of contact.handoffs) {
        rows.handoffs.push({
          handoff_id: handoffId(contact.eventId, handoff.kind, handoff.kind === 'transfer' ? transferIndex++ : 0),
          kind: handoff.kind,
          customer_id: handoff.customerId,
          journey_id: handoff.journeyId,
          contact_event_id: contact.eventId,
          contact_start: contact.start,
          contact_first_team: contact.firstTeam,
          contact_first_silo: contact.firstSilo,
          at: handoff.at,
          from_team: handoff.fromTeam,
          from_silo: handoff.fromSilo,
          to_team: handoff.toTeam,
          to_silo: handoff.toSilo,
          cross_silo: handoff.crossSilo ? 1 : 0,
          model_version: modelVersion,
          computed_at,
        });
      }
    });
    for (const journey of customer.journeys) {
      const contacts = journey.contactEventIds.map((id) => contactById.get(id)!);
      rows.journeys.push({
        journey_id: journey.journeyId,
        customer_id: journey.customerId,
        start: journey.start,
        first_team: journey.firstTeam,
        first_silo: journey.firstSilo,
        contacts: journey.contactEventIds.length,
        cross_silo: journey.crossSilo ? 1 : 0,
        billing_trigger_type: journey.billingTrigger?.type ?? '',
        billing_trigger_at: journey.billingTrigger?.at ?? null,
        contact_starts: contacts.map((contact) => contact.start),
        cross_silo_flips: crossSiloFlips(contacts),
        model_version: modelVersion,
        computed_at,
      });
    }
  }
  return rows;
}

/**
 * The journey and handoff ids the tables hold now for these customers, and for the customers
 * the stored rows of these contacts name (to find the ones that went away). The contacts' side
 * finds the rows of a customer merged away whose merge was recorded in the identities by a run
 * of the batch that did not get to its journey rows (a crash between the two).
 */
export async function storedJourneyKeys(
  client: ClickHouseClient,
  keys: { customerIds: readonly string[]; contactEventIds: readonly string[] },
): Promise<{ journeys: GoneRow[]; handoffs: GoneRow[] }> {
  const owners = new Set(keys.customerIds);
  if (keys.contactEventIds.length > 0) {
    const rows = await namedRead(
      client,
      'journeys.contact-owners',
      `SELECT DISTINCT customer_id FROM ${CONTACTS_TABLE} FINAL WHERE event_id IN {ids:Array(String)}`,
      { ids: keys.contactEventIds },
      z.object({ customer_id: z.string() }),
    );
    for (const row of rows) owners.add(row.customer_id);
  }
  if (owners.size === 0) return { journeys: [], handoffs: [] };
  // And the customers merged into them: a batch cut short after it reassigned a merged customer's
  // identifiers and contacts, but before the delete markers of its journeys, leaves journeys of a
  // customer that nothing else names any more; the merge log still does.
  const merged = await namedRead(
    client,
    'journeys.merged-customers',
    `SELECT DISTINCT arrayJoin(merged_customer_ids) AS id FROM ${MERGES_TABLE} WHERE customer_id IN {ids:Array(String)}`,
    { ids: [...owners] },
    z.object({ id: z.string() }),
  );
  for (const row of merged) owners.add(row.id);
  const read = async (table: string, key: string, start: string): Promise<GoneRow[]> => {
    const rows = await namedRead(
      client,
      `journeys.stored-keys.${table}`,
      `SELECT ${key} AS key, toUnixTimestamp64Milli(${start}) AS start_ms FROM ${table} FINAL WHERE customer_id IN {ids:Array(String)}`,
      { ids: [...owners] },
      z.object({ key: z.string(), start_ms: z.coerce.number() }),
    );
    return rows.map((r) => ({ id: r.key, start: new Date(r.start_ms).toISOString() }));
  };
  const [journeys, handoffs] = await Promise.all([read(JOURNEYS_TABLE, 'journey_id', 'start'), read(HANDOFFS_TABLE, 'handoff_id', 'contact_start')]);
  return { journeys, handoffs };
}

/**
 * Writes recomputed rows of `modelVersion`, and deletion markers for the journeys and handoffs
 * that no longer exist. Contacts never go away: an event that starts a contact always does.
 * Contacts are written last: until they are, their stored rows still name the customer whose
 * journeys the markers are for, so a run cut short in between finds those journeys again
 * (storedJourneyKeys). The rollups of the hours these rows start in are marked dirty first and
 * built again last (rollups.ts); `buildRollups: false` leaves them dirty for one build later (a
 * rebuild of every customer, whose chunks each touch most hours).
 */
export async function writeJourneyRows(
  client: ClickHouseClient,
  modelVersion: string,
  rows: JourneyRows,
  gone: { journeys: readonly GoneRow[]; handoffs: readonly GoneRow[] },
  computedAt: Date,
  options: { buildRollups?: boolean } = {},
): Promise<void> {
  const hours = hoursOf([...rows.contacts, ...rows.journeys].map((row) => row.start).concat(gone.journeys.map((row) => row.start)));
  await markRollupHoursDirty(client, modelVersion, hours);
  const computed_at = computedAt.toISOString();
  const journeys: (JourneyTableRow | z.input<typeof journeyDeletionRow>)[] = [
    ...rows.journeys,
    ...gone.journeys.map(({ id, start }) => ({ journey_id: id, start, computed_at, is_deleted: 1 as const })),
  ];
  const handoffs: (HandoffTableRow | z.input<typeof handoffDeletionRow>)[] = [
    ...rows.handoffs,
    ...gone.handoffs.map(({ id, start }) => ({ handoff_id: id, contact_start: start, computed_at, is_deleted: 1 as const })),
  ];
  await Promise.all([namedInsert(client, 'journeys.write-journeys', JOURNEYS_TABLE, journeys), namedInsert(client, 'journeys.write-handoffs', HANDOFFS_TABLE, handoffs)]);
  await namedInsert(client, 'journeys.write-contacts', CONTACTS_TABLE, rows.contacts);
  if (options.buildRollups ?? true) await buildRollupHours(client, modelVersion, hours);
  await recordTablesWrite(client);
}

export interface StoredJourneyModel {
  modelVersion: string;
  repeatWindowMs: number;
  billingWindowMs: number;
  builtAt: string;
}

/** The model the tables were last fully built with, or undefined before the first build. */
export async function readJourneyModel(client: ClickHouseClient): Promise<StoredJourneyModel | undefined> {
  const [row] = await namedRead(
    client,
    'journeys.model',
    `SELECT model_version, repeat_window_ms, billing_window_ms, built_at FROM ${JOURNEY_MODEL_TABLE} FINAL`,
    {},
    journeyModelRow.omit({ org_map: true }),
  );
  return row && { modelVersion: row.model_version, repeatWindowMs: row.repeat_window_ms, billingWindowMs: row.billing_window_ms, builtAt: row.built_at };
}

export async function writeJourneyModel(
  client: ClickHouseClient,
  model: { modelVersion: string; repeatWindowMs: number; billingWindowMs: number; orgMap: unknown },
): Promise<void> {
  const row: z.infer<typeof journeyModelRow> = {
    model_version: model.modelVersion,
    repeat_window_ms: model.repeatWindowMs,
    billing_window_ms: model.billingWindowMs,
    org_map: JSON.stringify(model.orgMap),
    built_at: new Date().toISOString(),
  };
  await namedInsert(client, 'journeys.write-model', JOURNEY_MODEL_TABLE, [row]);
  await recordTablesWrite(client);
}
