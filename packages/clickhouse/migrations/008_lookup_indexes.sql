-- Skip indexes for the lookups of one journey or one customer (the journey drill-down, the
-- stitcher's reading of a customer's rows): none of these tables is sorted by these columns.
-- ClickHouse uses them with FINAL too (use_skip_indexes_if_final, exact mode). Parts written
-- before this migration have no index and are read whole until merges rewrite them.
ALTER TABLE contacts_v1 ADD INDEX IF NOT EXISTS idx_journey_id journey_id TYPE bloom_filter GRANULARITY 1;
ALTER TABLE contacts_v1 ADD INDEX IF NOT EXISTS idx_customer_id customer_id TYPE bloom_filter GRANULARITY 1;
ALTER TABLE journeys_v1 ADD INDEX IF NOT EXISTS idx_customer_id customer_id TYPE bloom_filter GRANULARITY 1;
ALTER TABLE handoffs_v1 ADD INDEX IF NOT EXISTS idx_journey_id journey_id TYPE bloom_filter GRANULARITY 1;
ALTER TABLE handoffs_v1 ADD INDEX IF NOT EXISTS idx_customer_id customer_id TYPE bloom_filter GRANULARITY 1;
ALTER TABLE identities_v1 ADD INDEX IF NOT EXISTS idx_customer_id customer_id TYPE bloom_filter GRANULARITY 1;
