-- Every accepted canonical event, once per id. Written by the stitcher, read by metrics.
-- ReplacingMergeTree on id is a safety net: the stitcher already skips ids it has stored.
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
    ingested_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree
ORDER BY id;
