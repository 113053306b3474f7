-- Contacts, journeys and handoffs as the journey model computes them from all stored events,
-- kept current by the stitcher: each batch recomputes only the customers it touches.
-- `model_version` names the org map, windows (W, B) and row layout the rows were computed with;
-- the metric API reads these tables only when that matches its own. Rows that no longer exist
-- after a recomputation (a journey absorbed by a merge) are written again with is_deleted = 1.
-- Read them through the views below, or with FINAL so each key appears once.
--
-- Each row also holds what an earlier asOf needs (SPEC counts only events before asOf): the
-- times of a contact's legs, of the previous contact's legs, of the next contact's start, of a
-- journey's contacts, and the instants a journey's cross-silo status flips. So a question about
-- any period at any asOf is answered from these rows alone.
--
-- Partitioned by month of the start, sorted by start then id, so a period's question reads only
-- its months; a key's start never changes (it is its first event's occurredAt), so deduplication
-- stays exact. Bloom filters find one journey or one customer.

DROP TABLE IF EXISTS contacts_v1;
DROP TABLE IF EXISTS journeys_v1;
DROP TABLE IF EXISTS handoffs_v1;

CREATE TABLE IF NOT EXISTS contacts_v2
(
    event_id               String COMMENT 'id of the event that starts the contact (ticket.created, ticket.reopened or call.started): the contact''s key',
    customer_id            String COMMENT 'the customer: a connected component of identifiers, named by identities_v1',
    journey_id             String COMMENT 'the journey the contact belongs to (journeys_v2)',
    source                 LowCardinality(String) COMMENT 'the source system of the start event, e.g. zendesk',
    contact_id             Nullable(String) COMMENT 'the ticket or call id in the source',
    type                   LowCardinality(String) COMMENT 'the type of the start event',
    channel                LowCardinality(String) COMMENT 'email, phone, chat, ...',
    reason                 Nullable(String) COMMENT 'the contact reason its start event gave, if any',
    start                  DateTime64(3, 'UTC') COMMENT 'occurredAt of the start event',
    mature_at              DateTime64(3, 'UTC') COMMENT 'start + W: from then on the contact counts in FCR figures',
    first_team             String COMMENT 'team of the first leg; unmapped:<queue> for a queue the org map lacks, unassigned for an event without queue',
    first_silo             LowCardinality(String) COMMENT 'silo of the first leg; unmapped or unassigned as for first_team',
    final_team             String COMMENT 'team of the last leg, counting every stored event',
    final_silo             LowCardinality(String) COMMENT 'silo of the last leg, counting every stored event',
    legs                   UInt16 COMMENT 'queues passed through, consecutive equal teams collapsed',
    transfers              UInt16 COMMENT 'changes of team between consecutive legs (legs - 1)',
    cross_silo_transfers   UInt16 COMMENT 'transfers between teams of different silos',
    is_repeat              UInt8 COMMENT '1 when an earlier contact of the customer started within W before this one',
    resolved_first_contact UInt8 COMMENT '1 when no later contact of the customer starts within W after this one (final only once mature)',
    legs_at                Array(DateTime64(3, 'UTC')) COMMENT 'when each leg began, in order (the first is start): legs before an asOf give the final team at that asOf',
    legs_team              Array(String) COMMENT 'team of each leg',
    legs_silo              Array(LowCardinality(String)) COMMENT 'silo of each leg',
    previous_legs_at       Array(DateTime64(3, 'UTC')) COMMENT 'for a repeat contact, the legs of the previous contact: its final team at an asOf is where a bounce comes from',
    previous_legs_team     Array(String) COMMENT 'team of each leg of the previous contact',
    previous_legs_silo     Array(LowCardinality(String)) COMMENT 'silo of each leg of the previous contact',
    next_start             Nullable(DateTime64(3, 'UTC')) COMMENT 'start of the customer''s next contact, if any: resolved at an asOf unless it starts before that asOf and within W',
    last_leg_at            DateTime64(3, 'UTC') COMMENT 'when the last leg began: after this, only maturity and later contacts change the row at an asOf',
    model_version          LowCardinality(String) COMMENT 'org map, W, B and row layout the row was computed with (journey_model_v1)',
    computed_at            DateTime64(3, 'UTC') COMMENT 'when the stitcher wrote the row: the newest version of a key wins',
    is_deleted             UInt8 DEFAULT 0 COMMENT '1 marks a key that no longer exists',
    INDEX idx_journey_id journey_id TYPE bloom_filter GRANULARITY 1,
    INDEX idx_customer_id customer_id TYPE bloom_filter GRANULARITY 1,
    INDEX idx_event_id event_id TYPE bloom_filter GRANULARITY 1,
    INDEX idx_mature_at mature_at TYPE minmax GRANULARITY 1,
    INDEX idx_last_leg_at last_leg_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
PARTITION BY toYYYYMM(start)
ORDER BY (start, event_id)
COMMENT 'One row per contact: an inbound ticket.created, ticket.reopened or call.started event, with the queues it passed through';

CREATE TABLE IF NOT EXISTS journeys_v2
(
    journey_id             String COMMENT 'the journey''s key, derived from its first contact',
    customer_id            String COMMENT 'the customer (identities_v1)',
    start                  DateTime64(3, 'UTC') COMMENT 'start of its first contact',
    first_team             String COMMENT 'first team of its first contact: the team the journey is attributed to',
    first_silo             LowCardinality(String) COMMENT 'first silo of its first contact',
    contacts               UInt32 COMMENT 'contacts in the journey, counting every stored event (also those after a period''s end)',
    cross_silo             UInt8 COMMENT '1 when the journey has a cross-silo transfer or bounce, counting every stored event',
    billing_trigger_type   LowCardinality(String) COMMENT 'type of the latest billing event of the customer within B before the start; empty when none',
    billing_trigger_at     Nullable(DateTime64(3, 'UTC')) COMMENT 'when that billing event occurred',
    contact_starts         Array(DateTime64(3, 'UTC')) COMMENT 'start of each of its contacts, in order: those before an asOf are its contacts at that asOf',
    cross_silo_flips       Array(DateTime64(3, 'UTC')) COMMENT 'instants its cross-silo status flips: cross-silo at an asOf when an odd number lie before it',
    model_version          LowCardinality(String) COMMENT 'org map, W, B and row layout the row was computed with',
    computed_at            DateTime64(3, 'UTC') COMMENT 'when the stitcher wrote the row',
    is_deleted             UInt8 DEFAULT 0 COMMENT '1 marks a journey that no longer exists (absorbed by a merge or split by a late event)',
    INDEX idx_journey_id journey_id TYPE bloom_filter GRANULARITY 1,
    INDEX idx_customer_id customer_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
PARTITION BY toYYYYMM(start)
ORDER BY (start, journey_id)
COMMENT 'One row per journey: a maximal run of one customer''s contacts in which each after the first is a repeat';

CREATE TABLE IF NOT EXISTS handoffs_v2
(
    handoff_id             String COMMENT '<contact event id>:transfer:<n> or <contact event id>:bounce',
    kind                   LowCardinality(String) COMMENT 'transfer (a change of team within a contact) or bounce (the next contact of a journey starts at another team than the previous one ended)',
    customer_id            String COMMENT 'the customer (identities_v1)',
    journey_id             String COMMENT 'the journey (journeys_v2)',
    contact_event_id       String COMMENT 'the contact it is counted with: the contact transferred, or the later contact of a bounce',
    contact_start          DateTime64(3, 'UTC') COMMENT 'start of that contact',
    contact_first_team     String COMMENT 'first team of that contact: the team the handoff is attributed to',
    contact_first_silo     LowCardinality(String) COMMENT 'first silo of that contact',
    at                     DateTime64(3, 'UTC') COMMENT 'transfer: when the work moved; bounce: when the later contact started',
    from_team              String COMMENT 'team the work left',
    from_silo              LowCardinality(String) COMMENT 'silo the work left',
    to_team                String COMMENT 'team the work reached',
    to_silo                LowCardinality(String) COMMENT 'silo the work reached',
    cross_silo             UInt8 COMMENT '1 when from_silo and to_silo differ',
    model_version          LowCardinality(String) COMMENT 'org map, W, B and row layout the row was computed with',
    computed_at            DateTime64(3, 'UTC') COMMENT 'when the stitcher wrote the row',
    is_deleted             UInt8 DEFAULT 0 COMMENT '1 marks a handoff that no longer exists',
    INDEX idx_journey_id journey_id TYPE bloom_filter GRANULARITY 1,
    INDEX idx_customer_id customer_id TYPE bloom_filter GRANULARITY 1
)
ENGINE = ReplacingMergeTree(computed_at, is_deleted)
PARTITION BY toYYYYMM(contact_start)
ORDER BY (contact_start, handoff_id)
COMMENT 'One row per handoff, counting every stored event: transfers within contacts and bounces between consecutive contacts of a journey';

-- Current rows of the model the tables were last fully built with, without FINAL to remember.
CREATE OR REPLACE VIEW contacts AS
SELECT * EXCEPT (model_version, computed_at, is_deleted) FROM contacts_v2 FINAL
WHERE model_version = (SELECT model_version FROM journey_model_v1 FINAL) AND is_deleted = 0;

CREATE OR REPLACE VIEW journeys AS
SELECT * EXCEPT (model_version, computed_at, is_deleted) FROM journeys_v2 FINAL
WHERE model_version = (SELECT model_version FROM journey_model_v1 FINAL) AND is_deleted = 0;

CREATE OR REPLACE VIEW handoffs AS
SELECT * EXCEPT (model_version, computed_at, is_deleted) FROM handoffs_v2 FINAL
WHERE model_version = (SELECT model_version FROM journey_model_v1 FINAL) AND is_deleted = 0;

-- Every accepted event once (a duplicate delivery is one row).
CREATE OR REPLACE VIEW events AS
SELECT * EXCEPT (version) FROM events_v1 FINAL
