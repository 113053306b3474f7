-- Identity tables for data teams, kept current by the stitcher (SPEC "Customer").
-- Which customer each identifier belongs to now: the newest row per identifier wins.
-- Identifiers are "kind:value", e.g. "email:ann@example.com", "phone:+491512345678".
CREATE TABLE IF NOT EXISTS identities_v1
(
    identifier    String,
    customer_id   String,
    updated_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY identifier;

-- Every merge of customers found to be one: which event linked them and which ids it joined.
CREATE TABLE IF NOT EXISTS identity_merges_v1
(
    merged_at           DateTime64(3, 'UTC'),
    event_id            String,
    customer_id         String,
    merged_customer_ids Array(String),
    identifiers         Array(String)
)
ENGINE = ReplacingMergeTree
ORDER BY (event_id, customer_id);

-- Links the over-merging guard refused, for a person to review. The event itself is kept.
CREATE TABLE IF NOT EXISTS identity_refused_links_v1
(
    refused_at    DateTime64(3, 'UTC'),
    event_id      String,
    identifiers   Array(String),
    reason        String
)
ENGINE = ReplacingMergeTree
ORDER BY event_id;
