-- Alerts (services/alerts): the breach state of each rule and the log of every message sent.

-- Where each rule stands, per scope ("team:billing-t1", "silo:support", "org"): the newest row
-- per key wins. The state only advances once its message (alert or recovery) was delivered, so
-- a restart neither resends an alert nor loses a recovery.
CREATE TABLE IF NOT EXISTS alert_state_v1
(
    rule_name     String,
    scope_key     String,
    state         LowCardinality(String),
    since         DateTime64(3, 'UTC'),
    last_value    Nullable(Float64),
    updated_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (rule_name, scope_key);

-- Every message delivered to a webhook: `kind` is alert, recovery or digest. `period_key` is
-- the breach's start for an alert or recovery, and the scheduled instant of a weekly digest
-- (one digest per team and week). `webhook` is the webhook's name or host, never its URL:
-- incoming-webhook URLs are secrets.
CREATE TABLE IF NOT EXISTS alert_log_v1
(
    sent_at       DateTime64(3, 'UTC'),
    kind          LowCardinality(String),
    rule_name     String,
    scope_key     String,
    period_key    String,
    webhook       String,
    value         Nullable(Float64),
    text          String,
    body          String,
    attempts      UInt8
)
ENGINE = MergeTree
ORDER BY (kind, scope_key, sent_at);
