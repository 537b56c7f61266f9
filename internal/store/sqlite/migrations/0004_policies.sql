-- The policy family: IoT policies, their versions with the audit analysis of
-- each document, and policy attachments.

CREATE TABLE policies (
    account_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    default_version INTEGER NOT NULL,
    last_version    INTEGER NOT NULL, -- version ids are never reused
    generation_id   TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
) STRICT, WITHOUT ROWID;

-- Documents may be large: a rowid table keeps them out of the key b-tree.
CREATE TABLE policy_versions (
    account_id        TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    policy_name       TEXT NOT NULL,
    version_id        INTEGER NOT NULL,
    document          TEXT NOT NULL,
    -- policydoc.Analyze of the document, computed once at creation so that the
    -- audit never parses a policy: JSON array of action names, and JSON array
    -- of {reasonCode, message}.
    broad_actions     TEXT NOT NULL,
    misconfigurations TEXT NOT NULL,
    created_at        INTEGER NOT NULL,
    PRIMARY KEY (account_id, policy_name, version_id),
    FOREIGN KEY (account_id, policy_name) REFERENCES policies (account_id, name) ON DELETE CASCADE
) STRICT;

CREATE TABLE policy_targets (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    policy_name TEXT NOT NULL,
    target      TEXT NOT NULL, -- certificate ARN, thing group ARN or Cognito identity id
    target_kind TEXT NOT NULL, -- cert, thinggroup or cognito
    PRIMARY KEY (account_id, policy_name, target),
    FOREIGN KEY (account_id, policy_name) REFERENCES policies (account_id, name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The policies of a target, by name.
CREATE INDEX policy_targets_target ON policy_targets (account_id, target, policy_name);
