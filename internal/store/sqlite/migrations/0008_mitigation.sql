-- The mitigation family: mitigation action definitions, and audit mitigation
-- actions tasks with their per-check statistics, the findings their target
-- names and their executions. Times are Unix milliseconds; 0 stands for "not
-- set". Tables under a task reach accounts through it.

CREATE TABLE mitigation_actions (
    account_id       TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    id               TEXT NOT NULL,
    action_type      TEXT NOT NULL,
    role_arn         TEXT NOT NULL,
    params           TEXT NOT NULL, -- JSON, the model's MitigationActionParams
    created_at       INTEGER NOT NULL,
    last_modified_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
) STRICT, WITHOUT ROWID;

CREATE INDEX mitigation_actions_by_type ON mitigation_actions (account_id, action_type, name);

CREATE TABLE mitigation_tasks (
    account_id           TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    id                   TEXT NOT NULL,
    status               TEXT NOT NULL,
    start_time           INTEGER NOT NULL,
    end_time             INTEGER NOT NULL,
    client_request_token TEXT NOT NULL,
    audit_task_id        TEXT NOT NULL, -- the target's audit task; '' for a list of findings
    target               TEXT NOT NULL, -- JSON: findingIds, auditCheckToReasonCodeFilter
    mapping              TEXT NOT NULL, -- JSON object: check name -> action names
    actions              TEXT NOT NULL, -- JSON array: the definitions as the task started
    cursor               TEXT NOT NULL,
    resumes              INTEGER NOT NULL,
    PRIMARY KEY (account_id, id)
) STRICT, WITHOUT ROWID;

CREATE INDEX mitigation_tasks_by_start ON mitigation_tasks (account_id, start_time, id);
CREATE INDEX mitigation_tasks_in_progress ON mitigation_tasks (account_id, id) WHERE status = 'IN_PROGRESS';

-- One row per mapped check of a task.
CREATE TABLE mitigation_task_checks (
    account_id TEXT NOT NULL,
    task_id    TEXT NOT NULL,
    check_name TEXT NOT NULL,
    total      INTEGER NOT NULL,
    succeeded  INTEGER NOT NULL,
    failed     INTEGER NOT NULL,
    skipped    INTEGER NOT NULL,
    canceled   INTEGER NOT NULL,
    PRIMARY KEY (account_id, task_id, check_name),
    FOREIGN KEY (account_id, task_id) REFERENCES mitigation_tasks (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The findings a target of finding ids names, with their audit task, for the
-- auditTaskId and findingId filters of the task listing.
CREATE TABLE mitigation_task_findings (
    account_id    TEXT NOT NULL,
    task_id       TEXT NOT NULL,
    finding_id    TEXT NOT NULL,
    audit_task_id TEXT NOT NULL,
    PRIMARY KEY (account_id, task_id, finding_id),
    FOREIGN KEY (account_id, task_id) REFERENCES mitigation_tasks (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Executions are written in the order of the task's walk through its
-- findings; finding ids grow with time, so most inserts land at the end.
CREATE TABLE mitigation_executions (
    account_id  TEXT NOT NULL,
    task_id     TEXT NOT NULL,
    finding_id  TEXT NOT NULL,
    seq         INTEGER NOT NULL, -- the action's position in its check's list
    action_name TEXT NOT NULL,
    action_id   TEXT NOT NULL,
    status      TEXT NOT NULL,
    start_time  INTEGER NOT NULL,
    end_time    INTEGER NOT NULL,
    error_code  TEXT NOT NULL,
    message     TEXT NOT NULL,
    PRIMARY KEY (account_id, task_id, finding_id, seq),
    FOREIGN KEY (account_id, task_id) REFERENCES mitigation_tasks (account_id, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX mitigation_executions_in_progress ON mitigation_executions (account_id, task_id)
    WHERE status = 'IN_PROGRESS';
