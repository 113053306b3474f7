-- Every accepted canonical event, once per id. Written by the stitcher, read by metrics.
-- The stitcher skips ids it has stored unless the copy is newer: `version` is the source's
-- last update of the record (attributes.sourceUpdatedAt, in ms; 0 when the source has none),
-- and ReplacingMergeTree(version) keeps the newest copy of an id.
CREATE TABLE IF NOT EXISTS events_v1
(
    id            String,
    type          LowCardinality(String),
    occurred_at   DateTime64(3, 'UTC'),
    source        LowCardinality(String),
    email         Nullable(String),
    phone         Nullable(String),
    billing_id    Nullable(String),
    crm_id        Nullable(String),
    contact_id    Nullable(String),
    queue         Nullable(String),
    agent         Nullable(String),
    channel       LowCardinality(String),
    direction     LowCardinality(String),
    reason        Nullable(String),
    attributes    Map(String, String),
    version       UInt64 DEFAULT 0,
    ingested_at   DateTime64(3, 'UTC') DEFAULT now64(3),
    -- The stitcher looks up a customer's events by identifier and a ticket's or call's by id.
    INDEX idx_email email TYPE bloom_filter GRANULARITY 4,
    INDEX idx_phone phone TYPE bloom_filter GRANULARITY 4,
    INDEX idx_billing_id billing_id TYPE bloom_filter GRANULARITY 4,
    INDEX idx_crm_id crm_id TYPE bloom_filter GRANULARITY 4,
    INDEX idx_contact_id contact_id TYPE bloom_filter GRANULARITY 4
)
ENGINE = ReplacingMergeTree(version)
ORDER BY id;
