-- Findings are found by resource through a table of their own, written once
-- their check has completed, in resource order. An index of the findings by
-- resource hash took each finding's insert to a random page of it: each
-- commit of an audit's findings wrote back about as many of its pages as it
-- inserted findings, most of the audit's writing. The entries of one check
-- sort together (task, check), so that they are appended in order.
--
-- An audit completes first and enters its findings after (resources_indexed
-- says which checks are in); until then a check's findings are found by
-- resource from the task index, which carries the resource hash for that and
-- for grouping a check's findings by resource.

DROP INDEX audit_findings_by_resource;
DROP INDEX audit_findings_by_task;
CREATE INDEX audit_findings_by_task ON audit_findings (account_id, task_id, check_name, finding_time, id, resource_hash);

CREATE TABLE audit_finding_resources (
    account_id    TEXT NOT NULL,
    task_id       TEXT NOT NULL,
    check_name    TEXT NOT NULL,
    resource_hash INTEGER NOT NULL, -- audit_findings.resource_hash
    finding_id    TEXT NOT NULL,
    PRIMARY KEY (account_id, task_id, check_name, resource_hash, finding_id),
    FOREIGN KEY (account_id, task_id, check_name)
        REFERENCES audit_check_results (account_id, task_id, check_name) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

ALTER TABLE audit_check_results ADD COLUMN resources_indexed INTEGER NOT NULL DEFAULT 0;

CREATE INDEX audit_check_results_unindexed ON audit_check_results (account_id, task_id, check_name)
    WHERE resources_indexed = 0 AND status IN ('COMPLETED_COMPLIANT', 'COMPLETED_NON_COMPLIANT');

INSERT INTO audit_finding_resources (account_id, task_id, check_name, resource_hash, finding_id)
    SELECT f.account_id, f.task_id, f.check_name, f.resource_hash, f.id
    FROM audit_check_results r
    JOIN audit_findings f ON f.account_id = r.account_id AND f.task_id = r.task_id AND f.check_name = r.check_name
    WHERE r.status IN ('COMPLETED_COMPLIANT', 'COMPLETED_NON_COMPLIANT');

UPDATE audit_check_results SET resources_indexed = 1
    WHERE status IN ('COMPLETED_COMPLIANT', 'COMPLETED_NON_COMPLIANT');
