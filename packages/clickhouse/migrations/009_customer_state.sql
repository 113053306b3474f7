-- The stitcher's state of each customer, so that a customer it no longer holds in memory is read
-- back by its key instead of from events_v1, identities_v1 and the journey tables: the
-- identifiers, the journey inputs (events in a compact JSON form) and a fingerprint per row the
-- journey tables hold for it. Written after the customer's rows; the newest row of a customer
-- wins, and customers merged into another are marked deleted. Internal to the stitcher: data
-- teams read identities_v1, contacts_v2, journeys_v2 and handoffs_v2.
CREATE TABLE IF NOT EXISTS customer_state_v1
(
    customer_id    String,
    members        Array(String),
    inputs         String CODEC(ZSTD(1)),
    input_count    UInt32,
    row_prints     String CODEC(ZSTD(1)),
    model_version  String,
    linked_at      DateTime64(3, 'UTC'),
    is_deleted     UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(linked_at, is_deleted)
ORDER BY customer_id
-- Small granules: a read of a few thousand customers touches only their own rows.
SETTINGS index_granularity = 32;
