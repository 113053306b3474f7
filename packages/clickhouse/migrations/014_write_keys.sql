-- Write keys: a key is either a read key of the metric API (teams, admin, pii as before) or a
-- write key of the ingest API, which names the event sources it may send. Keys written before
-- this migration are read keys.
ALTER TABLE api_keys_v1
    ADD COLUMN IF NOT EXISTS kind LowCardinality(String) DEFAULT 'read' COMMENT 'read: the metric API (teams, admin, pii); write: POST /v1/events of the ingest API (sources)',
    ADD COLUMN IF NOT EXISTS sources Array(String) DEFAULT [] COMMENT 'write keys: the event sources (the events'' source field) the key may send; * for any';
