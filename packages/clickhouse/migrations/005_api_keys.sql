-- API keys of the metric API, one row per key. A key is `sl_<key_id>_<secret>` and is shown
-- once, when it is created: only the hex SHA-256 of its 256-bit random secret is kept here (a
-- fast hash is enough for a secret that long), so this table never lets anyone rebuild a key.
-- A team key sees the figures of the teams in `teams` only; an admin key sees every team and
-- silo- and organisation-wide figures. `pii` = 1 lets a key see customer identifiers (email,
-- phone, billing and CRM ids) unmasked. Revoking writes the row again with `revoked_at` set,
-- so read with FINAL: the newest row per key_id (by updated_at) is the key's current state.
CREATE TABLE IF NOT EXISTS api_keys_v1
(
    key_id       String,
    secret_hash  String,
    teams        Array(String),
    admin        UInt8,
    pii          UInt8,
    name         String,
    created_at   DateTime64(3, 'UTC'),
    revoked_at   Nullable(DateTime64(3, 'UTC')),
    updated_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY key_id;
