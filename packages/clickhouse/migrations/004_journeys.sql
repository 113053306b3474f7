-- Contacts, journeys and handoffs as the journey model computes them from all stored events,
-- kept current by the stitcher: each batch recomputes only the customers it touches.
-- `model_version` names the org map and windows (W, B) the rows were computed with; the metric
-- API reads these tables only when that matches its own. Rows that no longer exist after a
-- recomputation (a journey absorbed by a merge) are written again with is_deleted = 1;
-- read with FINAL so each key appears once and deleted rows not at all.

-- One row per contact (its start event). A contact's own facts never depend on asOf except
-- maturity: it counts in FCR figures once mature_at <= asOf.
CREATE TABLE IF NOT EXISTS contacts_v1
(
    event_id               String,
    customer_id            String,
    journey_id             String,
    source                 LowCardinality(String),
    contact_id             Nullable(String),
    type                   LowCardinality(String),
    channel                LowCardinality(String),
    reason                 Nullable(String),
    start                  DateTime64(3, 'UTC'),
    mature_at              DateTime64(3, 'UTC'),
    first_team             String,
    first_silo             LowCardinality(String),
    final_team             String,
    final_silo             LowCardinality(String),
    legs                   UInt16,
    transfers              UInt16,
    cross_silo_transfers   UInt16,
    is_repeat              UInt8,
    resolved_first_contact UInt8,
    model_version          LowCardinality(String),
    computed_at            DateTime64(3, 'UTC'),
    is_deleted             UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
ORDER BY event_id;

-- One row per journey: a maximal run of one customer's contacts, each after the first a repeat.
CREATE TABLE IF NOT EXISTS journeys_v1
(
    journey_id             String,
    customer_id            String,
    start                  DateTime64(3, 'UTC'),
    first_team             String,
    first_silo             LowCardinality(String),
    contacts               UInt32,
    cross_silo             UInt8,
    billing_trigger_type   LowCardinality(String),
    billing_trigger_at     Nullable(DateTime64(3, 'UTC')),
    model_version          LowCardinality(String),
    computed_at            DateTime64(3, 'UTC'),
    is_deleted             UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
ORDER BY journey_id;

-- One row per handoff: a transfer within a contact or a bounce between consecutive contacts of
-- a journey. contact_* describe the contact it is counted with (the transferred contact, or
-- the later contact of a bounce), so figures scoped by that contact's first team can use it.
CREATE TABLE IF NOT EXISTS handoffs_v1
(
    handoff_id             String,
    kind                   LowCardinality(String),
    customer_id            String,
    journey_id             String,
    contact_event_id       String,
    contact_start          DateTime64(3, 'UTC'),
    contact_first_team     String,
    contact_first_silo     LowCardinality(String),
    at                     DateTime64(3, 'UTC'),
    from_team              String,
    from_silo              LowCardinality(String),
    to_team                String,
    to_silo                LowCardinality(String),
    cross_silo             UInt8,
    model_version          LowCardinality(String),
    computed_at            DateTime64(3, 'UTC'),
    is_deleted             UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
ORDER BY handoff_id;

-- The model the tables were last fully computed with (org map and windows); the newest row wins.
CREATE TABLE IF NOT EXISTS journey_model_v1
(
    singleton              UInt8 DEFAULT 1,
    model_version          String,
    repeat_window_ms       UInt64,
    billing_window_ms      UInt64,
    org_map                String,
    built_at               DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(built_at)
ORDER BY singleton;
