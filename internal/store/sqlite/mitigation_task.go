package sqlite

import (
	"context"
	"encoding/json"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const mitigationTaskColumns = `id, status, start_time, end_time, client_request_token, audit_task_id, target, mapping,
	actions, cursor, resumes`

func scanMitigationTask(row interface{ Scan(...any) error }) (iot.MitigationTask, error) {
	var m iot.MitigationTask
	var start, end int64
	var auditTaskID, target, mapping, actions string
	err := row.Scan(&m.ID, &m.Status, &start, &end, &m.ClientRequestToken, &auditTaskID, &target, &mapping,
		&actions, &m.Cursor, &m.Resumes)
	if err != nil {
		return iot.MitigationTask{}, err
	}
	m.StartTime, m.EndTime = fromMillis(start), fromMillis(end)
	if m.Target, err = decodeTarget(auditTaskID, target); err != nil {
		return iot.MitigationTask{}, err
	}
	if err := json.Unmarshal([]byte(mapping), &m.Mapping); err != nil {
		return iot.MitigationTask{}, err
	}
	m.Actions, err = decodeDefinitions(actions)
	return m, err
}

func (t *tx) MitigationTask(ctx context.Context, id string) (iot.MitigationTask, error) {
	m, err := scanMitigationTask(t.queryRow(`SELECT `+mitigationTaskColumns+` FROM mitigation_tasks
		WHERE account_id = ? AND id = ?`, t.account, id))
	if err != nil {
		return iot.MitigationTask{}, notFound(err)
	}
	m.Statistics, err = t.mitigationStatistics(id)
	return m, err
}

func (t *tx) mitigationStatistics(taskID string) (map[string]iot.MitigationFindingCounts, error) {
	rows, err := t.query(`SELECT check_name, total, succeeded, failed, skipped, canceled FROM mitigation_task_checks
		WHERE account_id = ? AND task_id = ? ORDER BY check_name`, t.account, taskID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	stats := map[string]iot.MitigationFindingCounts{}
	for rows.Next() {
		var name string
		var c iot.MitigationFindingCounts
		if err := rows.Scan(&name, &c.Total, &c.Succeeded, &c.Failed, &c.Skipped, &c.Canceled); err != nil {
			return nil, err
		}
		stats[name] = c
	}
	return stats, rows.Err()
}

func (t *tx) MitigationTasks(ctx context.Context, f store.MitigationTaskFilter, p store.Page) ([]iot.MitigationTask, bool, error) {
	// Newest first: continue below (start, id) of the page's last task.
	afterStart, afterID := int64(1<<63-1), ""
	if p.After != "" {
		var err error
		if afterStart, afterID, err = store.SplitPageKey(p.After); err != nil {
			return nil, false, err
		}
	}
	finding := f.Finding
	if finding == nil {
		finding = &store.MitigationFindingRef{}
	}
	rows, err := t.query(`SELECT `+mitigationTaskColumns+` FROM mitigation_tasks m
		WHERE account_id = ?1 AND start_time >= ?2 AND (CASE WHEN end_time = 0 THEN start_time ELSE end_time END) <= ?3
			AND (start_time < ?4 OR (start_time = ?4 AND ?5 <> '' AND id < ?5))
			AND (?6 = '' OR status = ?6)
			AND (?7 = '' OR audit_task_id = ?7 OR EXISTS (SELECT 1 FROM mitigation_task_findings tf
				WHERE tf.account_id = m.account_id AND tf.task_id = m.id AND tf.audit_task_id = ?7))
			AND (?8 = '' OR EXISTS (SELECT 1 FROM mitigation_task_findings tf
				WHERE tf.account_id = m.account_id AND tf.task_id = m.id AND tf.finding_id = ?8)
				OR (audit_task_id <> '' AND audit_task_id = ?9 AND EXISTS (SELECT 1 FROM mitigation_task_checks c
					WHERE c.account_id = m.account_id AND c.task_id = m.id AND c.check_name = ?10)))
		ORDER BY start_time DESC, id DESC LIMIT ?11`,
		t.account, f.From.UnixMilli(), f.To.UnixMilli(), afterStart, afterID, string(f.Status), f.AuditTaskID,
		finding.ID, finding.AuditTaskID, finding.CheckName, p.Limit+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var tasks []iot.MitigationTask
	for rows.Next() {
		m, err := scanMitigationTask(rows)
		if err != nil {
			return nil, false, err
		}
		tasks = append(tasks, m)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	tasks, more := trimPage(tasks, p.Limit)
	return tasks, more, nil
}

func (t *tx) InProgressMitigationTasks(ctx context.Context) ([]string, error) {
	return auditCollect(ctx, t, scanString, `SELECT id FROM mitigation_tasks
		WHERE account_id = ? AND status = 'IN_PROGRESS' ORDER BY id`, t.account)
}

func (t *tx) CountAuditFindings(ctx context.Context, auditTaskID, checkName string) (int64, error) {
	var n int64
	err := t.queryRow(`SELECT COUNT(*) FROM audit_findings f INDEXED BY audit_findings_by_task
		WHERE f.account_id = ? AND f.task_id = ? AND f.check_name = ? AND `+visibleFinding,
		t.account, auditTaskID, checkName).Scan(&n)
	return n, err
}

func (t *tx) PutMitigationTask(ctx context.Context, m iot.MitigationTask) error {
	target, err := encodeTarget(m.Target)
	if err != nil {
		return err
	}
	mapping, err := json.Marshal(m.Mapping)
	if err != nil {
		return err
	}
	actions, err := encodeDefinitions(m.Actions)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO mitigation_tasks (account_id, `+mitigationTaskColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, id) DO UPDATE SET status = excluded.status, start_time = excluded.start_time,
			end_time = excluded.end_time, client_request_token = excluded.client_request_token, mapping = excluded.mapping,
			actions = excluded.actions, cursor = excluded.cursor, resumes = excluded.resumes`,
		t.account, m.ID, string(m.Status), m.StartTime.UnixMilli(), millis(m.EndTime), m.ClientRequestToken,
		m.Target.AuditTaskID, target, string(mapping), actions, m.Cursor, m.Resumes)
	if err != nil {
		return err
	}
	// A named finding's audit task is looked up once, when the task is first
	// written; later writes find its row and keep it.
	for _, id := range m.Target.FindingIDs {
		if _, err := t.exec(`INSERT INTO mitigation_task_findings (account_id, task_id, finding_id, audit_task_id)
			SELECT ?1, ?2, ?3, COALESCE((SELECT task_id FROM audit_findings WHERE account_id = ?1 AND id = ?3), '')
			WHERE 1 ON CONFLICT DO NOTHING`, t.account, m.ID, id); err != nil {
			return err
		}
	}
	for name, c := range m.Statistics {
		if _, err := t.exec(`INSERT INTO mitigation_task_checks
			(account_id, task_id, check_name, total, succeeded, failed, skipped, canceled) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (account_id, task_id, check_name) DO UPDATE SET total = excluded.total,
				succeeded = excluded.succeeded, failed = excluded.failed, skipped = excluded.skipped, canceled = excluded.canceled`,
			t.account, m.ID, name, c.Total, c.Succeeded, c.Failed, c.Skipped, c.Canceled); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) DeleteMitigationTasksBefore(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(`DELETE FROM mitigation_tasks WHERE account_id = ? AND start_time < ? AND status <> 'IN_PROGRESS'`,
		t.account, before.UnixMilli())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
