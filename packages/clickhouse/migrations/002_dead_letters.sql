-- Input that could not be accepted, kept whole so it can be replayed once the cause is fixed.
CREATE TABLE IF NOT EXISTS dead_letters_v1
(
    id            String,
    received_at   DateTime64(3, 'UTC'),
    source        LowCardinality(String),
    reason        String,
    path          String,
    payload       String,
    replayed      UInt8 DEFAULT 0,
    stored_at     DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(stored_at)
ORDER BY id;
