-- Rollups of the metric figures per hour of start, kept by the stitcher: a question sums whole
-- hours from here and reads rows of contacts_v2 and journeys_v2 only where it must (the hours at
-- its edges, hours not rolled up yet, the hour where contacts turn mature, and rows that changed
-- at or after its asOf). An hour's rollup is a pure function of its rows, recomputed after each
-- write that touches them, so it is exact and writing it twice changes nothing.
--
-- metric_rollup_hours_v1 says, per hour, which build of the entries is current: `dirty` = 1 is
-- written before the hour's rows change and stays the newest row until the entries are built
-- again; a question reads the rows of a dirty hour instead of its entries.
CREATE TABLE IF NOT EXISTS metric_rollup_hours_v1
(
    model_version   LowCardinality(String) COMMENT 'the journey model the entries were built from (journey_model_v1)',
    hour            DateTime('UTC') COMMENT 'the hour of start of the contacts and journeys rolled up',
    version         UInt64 COMMENT 'the build: entries of this version are the current ones; the newest row of an hour wins',
    dirty           UInt8 COMMENT '1 while the hour''s rows are being changed: read its rows, not its entries',
    max_settled_at  DateTime64(3, 'UTC') COMMENT 'the latest instant at which a row of the hour changes at an asOf: after it the entries are its figures at any asOf'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (model_version, hour)
COMMENT 'Which build of metric_rollup_v1 is current for each hour, and whether the hour is being changed';

-- The figures of an hour's rows as every stored event leaves them, summed per role (1 contacts by
-- first team, 2 mature contacts by final team, 3 journeys by first team, 4 handoffs by the first
-- team of their contact), team, silo, handoff pair and the day each row settled (stopped changing
-- at an asOf). An entry counts for an asOf from the end of its settled day on.
CREATE TABLE IF NOT EXISTS metric_rollup_v1
(
    model_version               LowCardinality(String) COMMENT 'the journey model the entry was built from',
    hour                        DateTime('UTC') COMMENT 'the hour of start of its rows',
    role                        UInt8 COMMENT '1 contacts by first team, 2 mature contacts by final team, 3 journeys by first team, 4 handoffs by their contact''s first team',
    settled_day                 Date COMMENT 'the day its rows last changed at an asOf',
    team                        String COMMENT 'the team credited',
    silo                        LowCardinality(String) COMMENT 'the silo of that team',
    from_team                   String COMMENT 'role 4: the team a handoff left; empty otherwise',
    from_silo                   LowCardinality(String) COMMENT 'role 4: the silo a handoff left',
    to_team                     String COMMENT 'role 4: the team a handoff reached',
    to_silo                     LowCardinality(String) COMMENT 'role 4: the silo a handoff reached',
    contacts                    UInt64 COMMENT 'role 1: contacts',
    repeat_contacts             UInt64 COMMENT 'role 1: repeat contacts',
    transfers                   UInt64 COMMENT 'role 1: transfers; role 4: handoffs of the pair',
    cross_silo_transfers        UInt64 COMMENT 'role 1: cross-silo transfers',
    mature_contacts             UInt64 COMMENT 'role 2: contacts (mature once start + W has passed)',
    fcr_contacts                UInt64 COMMENT 'role 2: contacts resolved at first contact',
    journeys                    UInt64 COMMENT 'role 3: journeys',
    journey_contacts            UInt64 COMMENT 'role 3: contacts of those journeys',
    cross_silo_journeys         UInt64 COMMENT 'role 3: cross-silo journeys',
    billing_triggered_journeys  UInt64 COMMENT 'role 3: billing-triggered journeys',
    bounces                     UInt64 COMMENT 'role 1: bounces into the contacts',
    cross_silo_bounces          UInt64 COMMENT 'role 1: cross-silo bounces',
    version                     UInt64 COMMENT 'the build it belongs to (metric_rollup_hours_v1)'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (model_version, hour, role, settled_day, team, silo, from_team, from_silo, to_team, to_silo)
COMMENT 'Metric figures per hour of start, role, team and settled day: what a question sums for whole hours'

