-- What the metric API needs to know before it trusts the stitched tables or a cached answer,
-- without scanning events_v1: the latest occurred_at of any stored event, and a count of writes
-- to events_v1, contacts_v2, journeys_v2, handoffs_v2 and journey_model_v1 that only grows (a
-- new count means the tables changed). Every write adds a row; merges fold the rows into one.
CREATE TABLE IF NOT EXISTS tables_state_v1
(
    latest_event_at SimpleAggregateFunction(max, Nullable(DateTime64(3, 'UTC'))),
    writes          SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
ORDER BY tuple();

-- Events stored before this table existed (and at every start: max and a new write are harmless).
INSERT INTO tables_state_v1 SELECT maxOrNull(occurred_at), 1 FROM events_v1;
