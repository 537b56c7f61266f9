CREATE TABLE accounts (
    id                TEXT PRIMARY KEY,
    registration_code TEXT NOT NULL,
    created_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    secret        TEXT NOT NULL,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX access_keys_account ON access_keys (account_id);

-- Installation-wide settings and secrets, and counters such as keys_version.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value ANY NOT NULL
) STRICT;

INSERT INTO settings (key, value) VALUES ('keys_version', 0);
