-- Rollups of the changes of the metric figures, kept by the stitcher: a question at any asOf sums
-- whole hours of start from here and reads rows of contacts_v2 and journeys_v2 only for the
-- partial hours at its edges and for hours being rebuilt. metric_rollup_v1 summed each row as every
-- stored event leaves it, per day it settled; a question asked before a row settled had to read it.
-- Here each row gives, at every instant its credit at an asOf changes, what it adds and what it
-- takes away; the figures at asOf are the sum of the changes at or before asOf. Whole hours of
-- change come from metric_rollup_v2, and the changes in the hour of asOf up to asOf from
-- metric_changes_v1. Each build of an hour of start is a pure function of its rows.
DROP TABLE IF EXISTS metric_rollup_v1;
DROP TABLE IF EXISTS metric_rollup_hours_v1;

CREATE TABLE IF NOT EXISTS metric_rollup_hours_v2
(
    model_version   LowCardinality(String) COMMENT 'the journey model the entries were built from (journey_model_v1)',
    hour            DateTime('UTC') COMMENT 'the hour of start of the contacts and journeys rolled up',
    version         UInt64 COMMENT 'the build: changes and entries of this version are the current ones; the newest row of an hour wins',
    dirty           UInt8 COMMENT '1 while the hour''s rows are being changed: read its rows, not its entries'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (model_version, hour)
COMMENT 'Which build of metric_changes_v1 and metric_rollup_v2 is current for each hour of start, and whether the hour is being changed';

CREATE TABLE IF NOT EXISTS metric_changes_v1
(
    model_version               LowCardinality(String) COMMENT 'the journey model the change was built from',
    hour                        DateTime('UTC') COMMENT 'the hour of start of its rows',
    change_at                   DateTime64(3, 'UTC') COMMENT 'the change counts for every asOf at or after this instant',
    role                        UInt8 COMMENT '1 contacts by first team, 2 mature contacts by final team, 3 journeys by first team, 4 handoffs by their contact''s first team',
    team                        String COMMENT 'the team credited',
    silo                        LowCardinality(String) COMMENT 'the silo of that team',
    from_team                   String COMMENT 'role 4: the team a handoff left; empty otherwise',
    from_silo                   LowCardinality(String) COMMENT 'role 4: the silo a handoff left',
    to_team                     String COMMENT 'role 4: the team a handoff reached',
    to_silo                     LowCardinality(String) COMMENT 'role 4: the silo a handoff reached',
    contacts                    Int64 COMMENT 'role 1: change of contacts',
    repeat_contacts             Int64 COMMENT 'role 1: change of repeat contacts',
    transfers                   Int64 COMMENT 'role 1: change of transfers; role 4: of handoffs of the pair',
    cross_silo_transfers        Int64 COMMENT 'role 1: change of cross-silo transfers',
    mature_contacts             Int64 COMMENT 'role 2: change of mature contacts',
    fcr_contacts                Int64 COMMENT 'role 2: change of contacts resolved at first contact',
    journeys                    Int64 COMMENT 'role 3: change of journeys',
    journey_contacts            Int64 COMMENT 'role 3: change of contacts of those journeys',
    cross_silo_journeys         Int64 COMMENT 'role 3: change of cross-silo journeys',
    billing_triggered_journeys  Int64 COMMENT 'role 3: change of billing-triggered journeys',
    bounces                     Int64 COMMENT 'role 1: change of bounces into the contacts',
    cross_silo_bounces          Int64 COMMENT 'role 1: change of cross-silo bounces',
    version                     UInt64 COMMENT 'the build it belongs to (metric_rollup_hours_v2)',
    INDEX idx_version version TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(change_at)
ORDER BY (model_version, toStartOfHour(change_at), hour, role, change_at, team, silo, from_team, from_silo, to_team, to_silo)
COMMENT 'Changes of the metric figures per hour of start, instant, role and team: what a question reads for the hour of its asOf';

CREATE TABLE IF NOT EXISTS metric_rollup_v2
(
    model_version               LowCardinality(String) COMMENT 'the journey model the entry was built from',
    hour                        DateTime('UTC') COMMENT 'the hour of start of its rows',
    change_hour                 DateTime('UTC') COMMENT 'the hour its changes happen in: an asOf after this hour counts them',
    role                        UInt8 COMMENT 'as in metric_changes_v1',
    team                        String COMMENT 'the team credited',
    silo                        LowCardinality(String) COMMENT 'the silo of that team',
    from_team                   String COMMENT 'role 4: the team a handoff left; empty otherwise',
    from_silo                   LowCardinality(String) COMMENT 'role 4: the silo a handoff left',
    to_team                     String COMMENT 'role 4: the team a handoff reached',
    to_silo                     LowCardinality(String) COMMENT 'role 4: the silo a handoff reached',
    contacts                    Int64 COMMENT 'role 1: change of contacts',
    repeat_contacts             Int64 COMMENT 'role 1: change of repeat contacts',
    transfers                   Int64 COMMENT 'role 1: change of transfers; role 4: of handoffs of the pair',
    cross_silo_transfers        Int64 COMMENT 'role 1: change of cross-silo transfers',
    mature_contacts             Int64 COMMENT 'role 2: change of mature contacts',
    fcr_contacts                Int64 COMMENT 'role 2: change of contacts resolved at first contact',
    journeys                    Int64 COMMENT 'role 3: change of journeys',
    journey_contacts            Int64 COMMENT 'role 3: change of contacts of those journeys',
    cross_silo_journeys         Int64 COMMENT 'role 3: change of cross-silo journeys',
    billing_triggered_journeys  Int64 COMMENT 'role 3: change of billing-triggered journeys',
    bounces                     Int64 COMMENT 'role 1: change of bounces into the contacts',
    cross_silo_bounces          Int64 COMMENT 'role 1: change of cross-silo bounces',
    version                     UInt64 COMMENT 'the build it belongs to (metric_rollup_hours_v2)'
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (model_version, hour, change_hour, role, team, silo, from_team, from_silo, to_team, to_silo)
COMMENT 'Changes of the metric figures per hour of start, hour of change, role and team: what a question sums for whole hours'
