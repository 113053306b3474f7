-- Skip index for the lookup of one customer's identifiers (the stitcher, the journey drill-down):
-- the table is sorted by identifier. The journey tables have theirs in 011_as_of_tables.sql.
-- ClickHouse uses them with FINAL too (use_skip_indexes_if_final, exact mode). Parts written
-- before this migration have no index and are read whole until merges rewrite them.
ALTER TABLE identities_v1 ADD INDEX IF NOT EXISTS idx_customer_id customer_id TYPE bloom_filter GRANULARITY 1;
