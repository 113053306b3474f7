-- customer.sourceId: an identifier only its source understands ("zendesk:user:5158",
-- "stripe:charge:ch_1"). Looked up by the stitcher like the other identifiers.
ALTER TABLE events_v1 ADD COLUMN IF NOT EXISTS source_id Nullable(String) AFTER crm_id;
ALTER TABLE events_v1 ADD INDEX IF NOT EXISTS idx_source_id source_id TYPE bloom_filter GRANULARITY 4;
