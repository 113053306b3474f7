-- The journey tables (contacts, journeys, handoffs) are created by 011_as_of_tables.sql; the
-- first ones, without what an earlier asOf needs, are dropped there.

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
