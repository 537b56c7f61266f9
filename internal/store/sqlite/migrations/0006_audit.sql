-- The audit family: account audit configuration, audit tasks and their check
-- results, findings with their related resources, suppressions, scheduled
-- audits. Times are Unix milliseconds; 0 stands for "not set". Tables under a
-- task reach accounts through it: deleting an account deletes its tasks, and
-- those their check results, findings and related resources.

-- One row per account whose audit is configured.
CREATE TABLE audit_configurations (
    account_id     TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role_arn       TEXT NOT NULL,
    has_sns        INTEGER NOT NULL, -- 0: no SNS target; the sns_ columns are then ''
    sns_target_arn TEXT NOT NULL,
    sns_role_arn   TEXT NOT NULL,
    sns_enabled    INTEGER NOT NULL,
    PRIMARY KEY (account_id)
) STRICT, WITHOUT ROWID;

-- Checks configured at least once; deleting the configuration deletes them.
CREATE TABLE audit_check_configurations (
    account_id    TEXT NOT NULL,
    check_name    TEXT NOT NULL,
    enabled       INTEGER NOT NULL,
    configuration TEXT NOT NULL, -- JSON object: name -> integer
    PRIMARY KEY (account_id, check_name),
    FOREIGN KEY (account_id) REFERENCES audit_configurations (account_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_tasks (
    account_id           TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id                   TEXT NOT NULL,
    task_type            TEXT NOT NULL,
    status               TEXT NOT NULL,
    start_time           INTEGER NOT NULL,
    end_time             INTEGER NOT NULL,
    scheduled_audit_name TEXT NOT NULL,
    previous_run         INTEGER NOT NULL,
    resumes              INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX audit_tasks_by_start ON audit_tasks (account_id, start_time, id);
CREATE INDEX audit_tasks_in_progress ON audit_tasks (account_id, id) WHERE status = 'IN_PROGRESS';

CREATE TABLE audit_check_results (
    account_id              TEXT NOT NULL,
    task_id                 TEXT NOT NULL,
    check_name              TEXT NOT NULL,
    status                  TEXT NOT NULL,
    total_resources         INTEGER NOT NULL,
    non_compliant_resources INTEGER NOT NULL,
    suppressed_resources    INTEGER NOT NULL,
    error_code              TEXT NOT NULL,
    message                 TEXT NOT NULL,
    configuration           TEXT NOT NULL, -- JSON object: name -> integer
    PRIMARY KEY (account_id, task_id, check_name),
    FOREIGN KEY (account_id, task_id) REFERENCES audit_tasks (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Findings are append-only and many: a rowid table keeps inserts at its end,
-- and every index but the resource one grows at its end too (finding ids are
-- time-ordered). The resource index holds a 64-bit hash of the key, so that
-- its random-order inserts stay small.
CREATE TABLE audit_findings (
    account_id          TEXT NOT NULL,
    id                  TEXT NOT NULL,
    task_id             TEXT NOT NULL,
    check_name          TEXT NOT NULL,
    task_start_time     INTEGER NOT NULL,
    finding_time        INTEGER NOT NULL,
    severity            TEXT NOT NULL,
    resource_type       TEXT NOT NULL,
    resource_key        TEXT NOT NULL, -- ResourceIdentifier.Key()
    resource_hash       INTEGER NOT NULL, -- FNV-1a 64 of resource_key
    resource_identifier TEXT NOT NULL, -- JSON, the model's ResourceIdentifier
    additional_info     TEXT NOT NULL, -- JSON object, '' when none
    reason              TEXT NOT NULL,
    reason_code         TEXT NOT NULL,
    is_suppressed       INTEGER NOT NULL,
    PRIMARY KEY (account_id, id),
    FOREIGN KEY (account_id, task_id, check_name)
        REFERENCES audit_check_results (account_id, task_id, check_name) ON DELETE CASCADE
) STRICT;

CREATE INDEX audit_findings_by_task ON audit_findings (account_id, task_id, check_name, finding_time, id);
CREATE INDEX audit_findings_by_time ON audit_findings (account_id, finding_time, id);
CREATE INDEX audit_findings_by_check ON audit_findings (account_id, check_name, finding_time, id);
CREATE INDEX audit_findings_by_resource ON audit_findings (account_id, resource_hash);
CREATE INDEX audit_findings_suppressed ON audit_findings (account_id, finding_time, id) WHERE is_suppressed = 1;

CREATE TABLE audit_finding_related (
    account_id          TEXT NOT NULL,
    finding_id          TEXT NOT NULL,
    seq                 INTEGER NOT NULL, -- 0-based, in the order the check reported them
    resource_type       TEXT NOT NULL,
    resource_identifier TEXT NOT NULL,
    additional_info     TEXT NOT NULL,
    PRIMARY KEY (account_id, finding_id, seq),
    FOREIGN KEY (account_id, finding_id) REFERENCES audit_findings (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_suppressions (
    account_id            TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    check_name            TEXT NOT NULL,
    resource_key          TEXT NOT NULL,
    resource_identifier   TEXT NOT NULL,
    expiration            INTEGER NOT NULL, -- 0 when indefinite
    suppress_indefinitely INTEGER NOT NULL,
    expiration_order      INTEGER NOT NULL, -- expiration, or the largest integer when indefinite
    description           TEXT NOT NULL,
    client_request_token  TEXT NOT NULL,
    PRIMARY KEY (account_id, check_name, resource_key)
) STRICT, WITHOUT ROWID;

CREATE INDEX audit_suppressions_by_expiration
    ON audit_suppressions (account_id, expiration_order, check_name, resource_key);
CREATE INDEX audit_suppressions_by_token ON audit_suppressions (account_id, client_request_token);

CREATE TABLE scheduled_audits (
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    frequency     TEXT NOT NULL,
    day_of_week   TEXT NOT NULL,
    day_of_month  TEXT NOT NULL,
    target_checks TEXT NOT NULL, -- JSON array of check names
    created_at    INTEGER NOT NULL,
    anchor        INTEGER NOT NULL,
    next_run      INTEGER NOT NULL,
    last_run      INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
) STRICT, WITHOUT ROWID;

CREATE INDEX scheduled_audits_by_next_run ON scheduled_audits (account_id, next_run);
