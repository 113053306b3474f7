// Names of the journey tables (migrations/011_as_of_tables.sql, 004_journeys.sql).
export const CONTACTS_TABLE = 'contacts_v2';
export const JOURNEYS_TABLE = 'journeys_v2';
export const HANDOFFS_TABLE = 'handoffs_v2';
export const JOURNEY_MODEL_TABLE = 'journey_model_v1';
