-- The account settings family: logging options (v1 and v2), v2 logging levels,
-- role aliases, and the tags of every taggable resource.

-- One row per account that has set v1 logging options.
CREATE TABLE logging_options (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role_arn   TEXT NOT NULL,
    log_level  TEXT NOT NULL,
    PRIMARY KEY (account_id)
) STRICT, WITHOUT ROWID;

-- One row per account that has set v2 logging options.
CREATE TABLE v2_logging_options (
    account_id           TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role_arn             TEXT NOT NULL, -- '' when not given
    default_log_level    TEXT NOT NULL,
    disable_all_logs     INTEGER NOT NULL,
    event_configurations TEXT NOT NULL, -- JSON array of {eventType, logLevel, logDestination}
    PRIMARY KEY (account_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE v2_logging_levels (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_type TEXT NOT NULL,
    target_name TEXT NOT NULL, -- '' for the DEFAULT target
    log_level   TEXT NOT NULL,
    PRIMARY KEY (account_id, target_type, target_name)
) STRICT, WITHOUT ROWID;

CREATE TABLE role_aliases (
    account_id                  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    alias                       TEXT NOT NULL,
    role_arn                    TEXT NOT NULL,
    credential_duration_seconds INTEGER NOT NULL,
    owner                       TEXT NOT NULL,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL,
    PRIMARY KEY (account_id, alias)
) STRICT, WITHOUT ROWID;

-- Tags of any taggable resource, by its ARN. The families delete a resource's
-- tags when they delete the resource.
CREATE TABLE tags (
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    resource_arn TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (account_id, resource_arn, key)
) STRICT, WITHOUT ROWID;
