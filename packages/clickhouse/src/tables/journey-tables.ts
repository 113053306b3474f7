import { z } from 'zod';

// The journey tables (migrations/011_as_of_tables.sql, 004_journeys.sql): their names, the rows
// the stitcher writes to them, and which of their rows are current.
export const CONTACTS_TABLE = 'contacts_v2';
export const JOURNEYS_TABLE = 'journeys_v2';
export const HANDOFFS_TABLE = 'handoffs_v2';
export const JOURNEY_MODEL_TABLE = 'journey_model_v1';

/**
 * Rows of the model `modelVersion` (SQL: a bound parameter or a subquery) that are not deletion
 * markers. FINAL (ReplacingMergeTree(computed_at, is_deleted)) already drops a key whose newest
 * row is a marker; a read of newest rows without FINAL needs the is_deleted test itself.
 */
export const liveRowsOf = (modelVersion: string) => `model_version = ${modelVersion} AND is_deleted = 0`;

/** Live rows of the model bound as {model_version:String}: any model, e.g. one a question names. */
export const LIVE_ROWS = liveRowsOf('{model_version:String}');

/** Live rows of the model the tables were last fully built with (journey_model_v1): what people read. */
export const CURRENT_ROWS = liveRowsOf(`(SELECT model_version FROM ${JOURNEY_MODEL_TABLE} FINAL)`);

// Instants are ISO 8601 strings on the way in (date_time_input_format best_effort); flags are 0 or 1.
const instant = z.string();
const flag = z.union([z.literal(0), z.literal(1)]);
const written = { model_version: z.string(), computed_at: instant };

/** A row of contacts_v2: one contact, with what an earlier asOf needs (see 011_as_of_tables.sql). */
export const contactTableRow = z.object({
  event_id: z.string(),
  customer_id: z.string(),
  journey_id: z.string(),
  source: z.string(),
  contact_id: z.string().nullable(),
  type: z.string(),
  channel: z.string(),
  reason: z.string().nullable(),
  start: instant,
  mature_at: instant,
  first_team: z.string(),
  first_silo: z.string(),
  final_team: z.string(),
  final_silo: z.string(),
  legs: z.number().int(),
  transfers: z.number().int(),
  cross_silo_transfers: z.number().int(),
  is_repeat: flag,
  resolved_first_contact: flag,
  legs_at: z.array(instant),
  legs_team: z.array(z.string()),
  legs_silo: z.array(z.string()),
  previous_legs_at: z.array(instant),
  previous_legs_team: z.array(z.string()),
  previous_legs_silo: z.array(z.string()),
  next_start: instant.nullable(),
  last_leg_at: instant,
  ...written,
});
export type ContactTableRow = z.infer<typeof contactTableRow>;

/** A row of journeys_v2. */
export const journeyTableRow = z.object({
  journey_id: z.string(),
  customer_id: z.string(),
  start: instant,
  first_team: z.string(),
  first_silo: z.string(),
  contacts: z.number().int(),
  cross_silo: flag,
  billing_trigger_type: z.string(),
  billing_trigger_at: instant.nullable(),
  contact_starts: z.array(instant),
  cross_silo_flips: z.array(instant),
  ...written,
});
export type JourneyTableRow = z.infer<typeof journeyTableRow>;

/** A row of handoffs_v2: a transfer or a bounce, sorted by the start of the contact it counts with. */
export const handoffTableRow = z.object({
  handoff_id: z.string(),
  kind: z.enum(['transfer', 'bounce']),
  customer_id: z.string(),
  journey_id: z.string(),
  contact_event_id: z.string(),
  contact_start: instant,
  contact_first_team: z.string(),
  contact_first_silo: z.string(),
  at: instant,
  from_team: z.string(),
  from_silo: z.string(),
  to_team: z.string(),
  to_silo: z.string(),
  cross_silo: flag,
  ...written,
});
export type HandoffTableRow = z.infer<typeof handoffTableRow>;

/** A deletion marker of journeys_v2: the key and the start it sorts by, newer than the row it replaces. */
export const journeyDeletionRow = z.object({ journey_id: z.string(), start: instant, computed_at: instant, is_deleted: z.literal(1) });
/** A deletion marker of handoffs_v2. */
export const handoffDeletionRow = z.object({ handoff_id: z.string(), contact_start: instant, computed_at: instant, is_deleted: z.literal(1) });

/** A row of journey_model_v1: the model the tables were last fully built with. */
export const journeyModelRow = z.object({
  model_version: z.string(),
  repeat_window_ms: z.coerce.number(),
  billing_window_ms: z.coerce.number(),
  org_map: z.string(),
  built_at: instant,
});
