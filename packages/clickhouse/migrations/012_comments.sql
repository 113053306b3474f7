-- Comments on the tables made before 011, so a data team reads what each table and column means
-- in ClickHouse itself (system.tables, system.columns). docs/data-model.md says more.

ALTER TABLE events_v1 MODIFY COMMENT 'Every accepted canonical event, one row per id (the newest copy by version wins: read with FINAL or the events view)';
ALTER TABLE events_v1 COMMENT COLUMN id 'the producer''s idempotency key';
ALTER TABLE events_v1 COMMENT COLUMN type 'ticket.created, call.transferred, billing.payment_failed, ...';
ALTER TABLE events_v1 COMMENT COLUMN occurred_at 'when it happened';
ALTER TABLE events_v1 COMMENT COLUMN source 'system of record: zendesk, connect, stripe, ...';
ALTER TABLE events_v1 COMMENT COLUMN email 'the customer''s e-mail, lower-case';
ALTER TABLE events_v1 COMMENT COLUMN phone 'the customer''s phone, E.164';
ALTER TABLE events_v1 COMMENT COLUMN billing_id 'the customer''s id in the billing system';
ALTER TABLE events_v1 COMMENT COLUMN crm_id 'the customer''s id in the CRM';
ALTER TABLE events_v1 COMMENT COLUMN source_id 'an identifier only its source understands: <source>:<kind>:<value>';
ALTER TABLE events_v1 COMMENT COLUMN contact_id 'the ticket or call id in the source';
ALTER TABLE events_v1 COMMENT COLUMN queue 'queue or group as the source names it: the org map gives its team and silo';
ALTER TABLE events_v1 COMMENT COLUMN agent 'the agent, as sent';
ALTER TABLE events_v1 COMMENT COLUMN channel 'phone, email, chat, billing, ...';
ALTER TABLE events_v1 COMMENT COLUMN direction 'inbound or outbound: only inbound starts count as contacts';
ALTER TABLE events_v1 COMMENT COLUMN reason 'the contact reason, as sent';
ALTER TABLE events_v1 COMMENT COLUMN attributes 'free attributes; sourceUpdatedAt is when the source last updated the record';
ALTER TABLE events_v1 COMMENT COLUMN version 'sourceUpdatedAt in ms (0 if none): the newest copy of an id wins';
ALTER TABLE events_v1 COMMENT COLUMN ingested_at 'when it was stored';

ALTER TABLE dead_letters_v1 MODIFY COMMENT 'What could not be accepted, kept to be fixed and replayed (seamline deadletters)';
ALTER TABLE dead_letters_v1 COMMENT COLUMN id 'derived from source and payload: the same bytes delivered again are one letter';
ALTER TABLE dead_letters_v1 COMMENT COLUMN received_at 'when the bytes arrived';
ALTER TABLE dead_letters_v1 COMMENT COLUMN source 'http, file:<path>, csv, zendesk, connect, stripe, kafka:<topic>, unknown:<name>';
ALTER TABLE dead_letters_v1 COMMENT COLUMN reason 'why it was refused; unauthenticated:... letters are never replayed';
ALTER TABLE dead_letters_v1 COMMENT COLUMN path 'the failing field, e.g. customer.phone, or empty';
ALTER TABLE dead_letters_v1 COMMENT COLUMN payload 'the raw payload as received';
ALTER TABLE dead_letters_v1 COMMENT COLUMN replayed '1 once it was replayed';
ALTER TABLE dead_letters_v1 COMMENT COLUMN stored_at 'when it was written: the newest copy of an id wins';

ALTER TABLE identities_v1 MODIFY COMMENT 'The customer each identifier belongs to now (newest row per identifier wins: read with FINAL)';
ALTER TABLE identities_v1 COMMENT COLUMN identifier 'kind:value, e.g. email:ann@example.com, phone:+491512345678';
ALTER TABLE identities_v1 COMMENT COLUMN customer_id 'cust_ and 16 hex digits of SHA-256 of the customer''s smallest identifier';
ALTER TABLE identities_v1 COMMENT COLUMN updated_at 'when the assignment was written';

ALTER TABLE identity_merges_v1 MODIFY COMMENT 'Each merge of customers, and the event that caused it';
ALTER TABLE identity_refused_links_v1 MODIFY COMMENT 'Links the over-merging guard refused (a customer would exceed SEAMLINE_MAX_IDENTIFIERS)';

ALTER TABLE journey_model_v1 MODIFY COMMENT 'The org map, windows and row layout the journey tables were last fully built with (read with FINAL)';
ALTER TABLE journey_model_v1 COMMENT COLUMN singleton 'always 1: the table holds one current row';
ALTER TABLE journey_model_v1 COMMENT COLUMN model_version 'names the org map, W, B and row layout; the rows of contacts_v2, journeys_v2 and handoffs_v2 carry it';
ALTER TABLE journey_model_v1 COMMENT COLUMN repeat_window_ms 'W, the repeat window';
ALTER TABLE journey_model_v1 COMMENT COLUMN billing_window_ms 'B, the billing trigger window';
ALTER TABLE journey_model_v1 COMMENT COLUMN org_map 'the org map in force, JSON';
ALTER TABLE journey_model_v1 COMMENT COLUMN built_at 'when the build finished'
