package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// visibleFinding holds for a finding of alias f whose check has completed.
const visibleFinding = `EXISTS (SELECT 1 FROM audit_check_results r
	WHERE r.account_id = f.account_id AND r.task_id = f.task_id AND r.check_name = f.check_name
		AND r.status IN ('COMPLETED_COMPLIANT', 'COMPLETED_NON_COMPLIANT'))`

const auditFindingColumns = `f.id, f.task_id, f.check_name, f.task_start_time, f.finding_time, f.severity,
	f.resource_type, f.resource_identifier, f.additional_info, f.reason, f.reason_code, f.is_suppressed`

func scanAuditFinding(row interface{ Scan(...any) error }) (iot.AuditFinding, error) {
	var f iot.AuditFinding
	var start, found int64
	var typ, identifier, info string
	err := row.Scan(&f.ID, &f.TaskID, &f.CheckName, &start, &found, &f.Severity, &typ, &identifier, &info,
		&f.Reason, &f.ReasonCode, &f.Suppressed)
	if err != nil {
		return iot.AuditFinding{}, err
	}
	f.TaskStartTime, f.FindingTime = fromMillis(start), fromMillis(found)
	f.Resource, err = decodeResource(typ, identifier, info)
	return f, err
}

func (t *tx) AuditFinding(ctx context.Context, id string, related int) (iot.AuditFinding, error) {
	f, err := scanAuditFinding(t.queryRow(`SELECT `+auditFindingColumns+` FROM audit_findings f
		WHERE f.account_id = ? AND f.id = ? AND `+visibleFinding, t.account, id))
	if err != nil {
		return iot.AuditFinding{}, notFound(err)
	}
	findings := []iot.AuditFinding{f}
	if err := t.attachRelated(findings, related); err != nil {
		return iot.AuditFinding{}, err
	}
	return findings[0], nil
}

func (t *tx) AuditFindings(ctx context.Context, f store.AuditFindingFilter, p store.Page) ([]iot.AuditFinding, bool, error) {
	var rows *sql.Rows
	var err error
	suppressed := -1 // either
	if f.Suppressed != nil {
		suppressed = 0
		if *f.Suppressed {
			suppressed = 1
		}
	}
	if f.TaskID != "" {
		rows, err = t.findingsOfTask(f, suppressed, p)
	} else {
		rows, err = t.findingsInWindow(f, suppressed, p)
	}
	if err != nil {
		return nil, false, err
	}
	findings, err := scanAuditFindings(rows)
	if err != nil {
		return nil, false, err
	}
	findings, more := trimPage(findings, p.Limit)
	if err := t.attachRelated(findings, f.Related); err != nil {
		return nil, false, err
	}
	return findings, more, nil
}

// findingsOfTask lists a task's findings by check name, finding time and id.
func (t *tx) findingsOfTask(f store.AuditFindingFilter, suppressed int, p store.Page) (*sql.Rows, error) {
	var afterCheck, afterID string
	afterTime := int64(-1 << 63)
	if p.After != "" {
		check, rest, ok := strings.Cut(p.After, "\x00")
		if !ok {
			return nil, errMalformedKey(p.After)
		}
		var err error
		if afterTime, afterID, err = store.SplitPageKey(rest); err != nil {
			return nil, err
		}
		afterCheck = check
	}
	from, resource := "audit_findings f INDEXED BY audit_findings_by_task", "1"
	if f.ResourceKey != "" {
		// A resource has few findings: the resource index finds them faster
		// than the task's, which the planner would prefer for the order.
		from = resourceFindings(`r.task_id = ?2 AND (?6 = '' OR r.check_name = ?6)`, "?9")
		resource = "f.resource_key = ?10"
	}
	return t.query(`SELECT `+auditFindingColumns+` FROM `+from+`
		WHERE f.account_id = ?1 AND f.task_id = ?2 AND (f.check_name, f.finding_time, f.id) > (?3, ?4, ?5)
			AND (?6 = '' OR f.check_name = ?6) AND `+resource+`
			AND (?7 < 0 OR f.is_suppressed = ?7) AND `+visibleFinding+`
		ORDER BY f.check_name, f.finding_time, f.id LIMIT ?8`,
		t.account, f.TaskID, afterCheck, afterTime, afterID, f.CheckName, suppressed, p.Limit+1,
		resourceHash(f.ResourceKey), f.ResourceKey)
}

// resourceFindings reads, as f, the findings whose resource hash is the
// parameter hash, of the account's (?1) completed checks r that match
// checks: one seek into the resource index for each check entered in it,
// and for each check not yet entered, a walk of its findings in the task
// index.
func resourceFindings(checks, hash string) string {
	const completed = `r.account_id = ?1 AND r.status IN ('COMPLETED_COMPLIANT', 'COMPLETED_NON_COMPLIANT') AND `
	return `(SELECT x.finding_id AS id FROM audit_check_results r
			CROSS JOIN audit_finding_resources x ON x.account_id = r.account_id AND x.task_id = r.task_id
				AND x.check_name = r.check_name AND x.resource_hash = ` + hash + `
			WHERE ` + completed + `r.resources_indexed = 1 AND ` + checks + `
		UNION ALL
		SELECT y.id FROM audit_check_results r
			CROSS JOIN audit_findings y INDEXED BY audit_findings_by_task ON y.account_id = r.account_id
				AND y.task_id = r.task_id AND y.check_name = r.check_name
			WHERE ` + completed + `r.resources_indexed = 0 AND ` + checks + ` AND y.resource_hash = ` + hash + `) hits
		CROSS JOIN audit_findings f ON f.account_id = ?1 AND f.id = hits.id`
}

// findingsInWindow lists the findings found in [From, To], newest first. The
// query is chosen by filter so that SQLite walks the narrowest index.
func (t *tx) findingsInWindow(f store.AuditFindingFilter, suppressed int, p store.Page) (*sql.Rows, error) {
	afterTime, afterID := int64(1<<63-1), ""
	if p.After != "" {
		var err error
		if afterTime, afterID, err = store.SplitPageKey(p.After); err != nil {
			return nil, err
		}
	}
	// Every variant numbers its parameters alike; each leaves some unused.
	from, where := "audit_findings f", "WHERE 1"
	switch {
	case f.ResourceKey != "":
		from = resourceFindings(`(?7 = '' OR r.check_name = ?7)`, "?10")
		where = `WHERE f.resource_key = ?6 AND (?7 = '' OR f.check_name = ?7)`
	case f.CheckName != "":
		where = `WHERE f.check_name = ?7`
	case suppressed == 1:
		where = `WHERE f.is_suppressed = 1`
	}
	return t.query(`SELECT `+auditFindingColumns+` FROM `+from+` `+where+`
			AND f.account_id = ?1 AND f.finding_time >= ?2 AND f.finding_time <= ?3
			AND (f.finding_time < ?4 OR (f.finding_time = ?4 AND f.id < ?5))
			AND (?8 < 0 OR f.is_suppressed = ?8) AND `+visibleFinding+`
		ORDER BY f.finding_time DESC, f.id DESC LIMIT ?9`,
		t.account, f.From.UnixMilli(), f.To.UnixMilli(), afterTime, afterID, f.ResourceKey, f.CheckName, suppressed, p.Limit+1,
		resourceHash(f.ResourceKey))
}

func errMalformedKey(key string) error { return fmt.Errorf("sqlite: malformed page key %q", key) }

func scanAuditFindings(rows *sql.Rows) ([]iot.AuditFinding, error) {
	defer rows.Close()
	var findings []iot.AuditFinding
	for rows.Next() {
		f, err := scanAuditFinding(rows)
		if err != nil {
			return nil, err
		}
		findings = append(findings, f)
	}
	return findings, rows.Err()
}

// attachRelated sets the first n related resources of each finding.
func (t *tx) attachRelated(findings []iot.AuditFinding, n int) error {
	if n <= 0 {
		return nil
	}
	for i := range findings {
		related, _, err := t.related(findings[i].ID, -1, n)
		if err != nil {
			return err
		}
		findings[i].Related = related
	}
	return nil
}

// related returns up to limit related resources of a finding after index
// after, and whether more follow.
func (t *tx) related(findingID string, after, limit int) ([]iot.AuditResource, bool, error) {
	rows, err := t.query(`SELECT resource_type, resource_identifier, additional_info FROM audit_finding_related
		WHERE account_id = ? AND finding_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
		t.account, findingID, after, limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []iot.AuditResource
	for rows.Next() {
		var typ, identifier, info string
		if err := rows.Scan(&typ, &identifier, &info); err != nil {
			return nil, false, err
		}
		r, err := decodeResource(typ, identifier, info)
		if err != nil {
			return nil, false, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out, more := trimPage(out, limit)
	return out, more, nil
}

func (t *tx) AuditFindingRelated(ctx context.Context, findingID string, p store.Page) ([]iot.AuditResource, bool, error) {
	var visible bool
	err := t.queryRow(`SELECT `+visibleFinding+` FROM audit_findings f WHERE f.account_id = ? AND f.id = ?`,
		t.account, findingID).Scan(&visible)
	if err != nil {
		return nil, false, notFound(err)
	}
	if !visible {
		return nil, false, store.ErrNotFound
	}
	after := -1
	if p.After != "" {
		if after, err = strconv.Atoi(p.After); err != nil {
			return nil, false, errMalformedKey(p.After)
		}
	}
	return t.related(findingID, after, p.Limit)
}

// checkFindings reads the findings of one check of a task from the task's
// index, which holds their resource hashes.
const checkFindings = `INDEXED BY audit_findings_by_task`

func (t *tx) UnindexedAuditChecks(ctx context.Context, limit int) ([]store.AuditCheckRef, error) {
	rows, err := t.query(`SELECT r.task_id, r.check_name FROM audit_check_results r INDEXED BY audit_check_results_unindexed
		JOIN audit_tasks a ON a.account_id = r.account_id AND a.id = r.task_id
		WHERE r.account_id = ? AND r.resources_indexed = 0 AND r.status IN ('COMPLETED_COMPLIANT', 'COMPLETED_NON_COMPLIANT')
		ORDER BY a.start_time, r.task_id, r.check_name LIMIT ?`, t.account, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var refs []store.AuditCheckRef
	for rows.Next() {
		var r store.AuditCheckRef
		if err := rows.Scan(&r.TaskID, &r.CheckName); err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, rows.Err()
}

func (t *tx) IndexAuditFindingResources(ctx context.Context, taskID, checkName string) error {
	res, err := t.exec(`UPDATE audit_check_results SET resources_indexed = 1
		WHERE account_id = ? AND task_id = ? AND check_name = ? AND resources_indexed = 0
			AND status IN ('COMPLETED_COMPLIANT', 'COMPLETED_NON_COMPLIANT')`, t.account, taskID, checkName)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err // entered already, or not completed
	}
	// In the index's order: the check's entries are appended.
	_, err = t.exec(`INSERT INTO audit_finding_resources (account_id, task_id, check_name, resource_hash, finding_id)
		SELECT account_id, task_id, check_name, resource_hash, id FROM audit_findings `+checkFindings+`
		WHERE account_id = ? AND task_id = ? AND check_name = ? ORDER BY resource_hash, id`,
		t.account, taskID, checkName)
	return err
}

func (t *tx) CountAuditFindingResources(ctx context.Context, taskID, checkName string) (int64, int64, error) {
	var resources, suppressed int64
	err := t.queryRow(`SELECT COUNT(*), COALESCE(SUM(suppressed), 0) FROM (
			SELECT MAX(is_suppressed) AS suppressed FROM audit_findings `+checkFindings+`
			WHERE account_id = ? AND task_id = ? AND check_name = ? GROUP BY resource_hash, resource_key)`,
		t.account, taskID, checkName).Scan(&resources, &suppressed)
	return resources, suppressed, err
}

func (t *tx) SettleAuditFindings(ctx context.Context, taskID, checkName string) (int64, int64, error) {
	// One pass groups the findings by resource: how many there are, how many
	// distinct (resource, reason code) pairs, how many resources and
	// suppressed resources.
	var resources, suppressed, findings, pairs int64
	err := t.queryRow(`SELECT COUNT(*), COALESCE(SUM(suppressed), 0), COALESCE(SUM(n), 0), COALESCE(SUM(reasons), 0) FROM (
			SELECT MAX(is_suppressed) AS suppressed, COUNT(*) AS n, COUNT(DISTINCT reason_code) AS reasons
			FROM audit_findings `+checkFindings+`
			WHERE account_id = ? AND task_id = ? AND check_name = ? GROUP BY resource_hash, resource_key)`,
		t.account, taskID, checkName).Scan(&resources, &suppressed, &findings, &pairs)
	if err != nil || findings == pairs {
		return resources, suppressed, err
	}
	_, err = t.exec(`DELETE FROM audit_findings WHERE account_id = ?1 AND task_id = ?2 AND check_name = ?3 AND rowid NOT IN (
			SELECT MIN(rowid) FROM audit_findings `+checkFindings+` WHERE account_id = ?1 AND task_id = ?2 AND check_name = ?3
			GROUP BY resource_hash, resource_key, reason_code)`, t.account, taskID, checkName)
	return resources, suppressed, err
}

const insertFinding = `INSERT INTO audit_findings (account_id, id, task_id, check_name, task_start_time, finding_time,
	severity, resource_type, resource_key, resource_hash, resource_identifier, additional_info, reason, reason_code, is_suppressed)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const insertRelated = `INSERT INTO audit_finding_related
	(account_id, finding_id, seq, resource_type, resource_identifier, additional_info) VALUES (?, ?, ?, ?, ?, ?)`

func (t *tx) AddAuditFindings(ctx context.Context, findings []iot.AuditFinding) error {
	defer t.boundCache(findingCacheKiB)()
	findingStmt, err := t.statement(insertFinding)
	if err != nil {
		return err
	}
	defer findingStmt.Close()
	var relatedStmt *sql.Stmt
	defer func() {
		if relatedStmt != nil {
			relatedStmt.Close()
		}
	}()
	for _, f := range findings {
		identifier, info, err := encodeResource(f.Resource)
		if err != nil {
			return err
		}
		key := f.Resource.Identifier.Key()
		if _, err := findingStmt.Exec(t.account, f.ID, f.TaskID, f.CheckName, f.TaskStartTime.UnixMilli(),
			f.FindingTime.UnixMilli(), f.Severity, f.Resource.Type, key, resourceHash(key), identifier, info,
			f.Reason, f.ReasonCode, f.Suppressed); err != nil {
			return err
		}
		if len(f.Related) > 0 && relatedStmt == nil {
			if relatedStmt, err = t.statement(insertRelated); err != nil {
				return err
			}
		}
		for seq, r := range f.Related {
			identifier, info, err := encodeResource(r)
			if err != nil {
				return err
			}
			if _, err := relatedStmt.Exec(t.account, f.ID, seq, r.Type, identifier, info); err != nil {
				return err
			}
		}
	}
	return nil
}

// statement returns query prepared for the transaction, to run many times:
// the store's prepared statement when it has one, else one prepared on the
// transaction's connection (the store prepares its own once the transaction
// ends). Close it after use.
func (t *tx) statement(query string) (*sql.Stmt, error) {
	if s := t.stmt(query); s != nil {
		return s, nil
	}
	return t.q.PrepareContext(context.Background(), query)
}

// resourceHash is the FNV-1a 64 hash of a resource key, as a signed integer.
func resourceHash(key string) int64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return int64(h.Sum64())
}

func (t *tx) DeleteAuditFindings(ctx context.Context, taskID, checkName string) error {
	_, err := t.exec(`DELETE FROM audit_findings WHERE account_id = ? AND task_id = ? AND check_name = ?`,
		t.account, taskID, checkName)
	return err
}
