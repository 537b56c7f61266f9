package sqlite

import (
	"context"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const auditTaskColumns = `id, task_type, status, start_time, end_time, scheduled_audit_name, previous_run, resumes`

func scanAuditTask(row interface{ Scan(...any) error }) (iot.AuditTask, error) {
	var a iot.AuditTask
	var start, end, previous int64
	if err := row.Scan(&a.ID, &a.Type, &a.Status, &start, &end, &a.ScheduledAuditName, &previous, &a.Resumes); err != nil {
		return iot.AuditTask{}, err
	}
	a.StartTime, a.EndTime, a.PreviousRun = fromMillis(start), fromMillis(end), fromMillis(previous)
	return a, nil
}

func (t *tx) AuditTask(ctx context.Context, id string) (iot.AuditTask, error) {
	a, err := scanAuditTask(t.queryRow(`SELECT `+auditTaskColumns+` FROM audit_tasks WHERE account_id = ? AND id = ?`,
		t.account, id))
	return a, notFound(err)
}

func (t *tx) AuditTasks(ctx context.Context, f store.AuditTaskFilter, p store.Page) ([]iot.AuditTask, bool, error) {
	// Newest first: continue below (start, id) of the page's last task.
	afterStart, afterID := int64(1<<63-1), ""
	if p.After != "" {
		var err error
		if afterStart, afterID, err = store.SplitPageKey(p.After); err != nil {
			return nil, false, err
		}
	}
	rows, err := t.query(`SELECT `+auditTaskColumns+` FROM audit_tasks
		WHERE account_id = ?1 AND start_time >= ?2 AND start_time <= ?3
			AND (start_time < ?4 OR (start_time = ?4 AND ?5 <> '' AND id < ?5))
			AND (?6 = '' OR task_type = ?6) AND (?7 = '' OR status = ?7)
		ORDER BY start_time DESC, id DESC LIMIT ?8`,
		t.account, f.From.UnixMilli(), f.To.UnixMilli(), afterStart, afterID, string(f.Type), string(f.Status), p.Limit+1)
	if err != nil {
		return nil, false, err
	}
	tasks, err := scanAuditTasks(rows)
	if err != nil {
		return nil, false, err
	}
	tasks, more := trimPage(tasks, p.Limit)
	return tasks, more, nil
}

func (t *tx) InProgressAuditTasks(ctx context.Context) ([]iot.AuditTask, error) {
	rows, err := t.query(`SELECT `+auditTaskColumns+` FROM audit_tasks
		WHERE account_id = ? AND status = 'IN_PROGRESS' ORDER BY id`, t.account)
	if err != nil {
		return nil, err
	}
	return scanAuditTasks(rows)
}

func scanAuditTasks(rows rowScanner) ([]iot.AuditTask, error) {
	defer rows.Close()
	var tasks []iot.AuditTask
	for rows.Next() {
		a, err := scanAuditTask(rows)
		if err != nil {
			return nil, err
		}
		tasks = append(tasks, a)
	}
	return tasks, rows.Err()
}

func (t *tx) PutAuditTask(ctx context.Context, a iot.AuditTask) error {
	_, err := t.exec(`INSERT INTO audit_tasks (account_id, `+auditTaskColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, id) DO UPDATE SET task_type = excluded.task_type, status = excluded.status,
			start_time = excluded.start_time, end_time = excluded.end_time,
			scheduled_audit_name = excluded.scheduled_audit_name, previous_run = excluded.previous_run,
			resumes = excluded.resumes`,
		t.account, a.ID, a.Type, a.Status, a.StartTime.UnixMilli(), millis(a.EndTime), a.ScheduledAuditName,
		millis(a.PreviousRun), a.Resumes)
	return err
}

func (t *tx) DeleteAuditTasksBefore(ctx context.Context, before time.Time) (int, error) {
	res, err := t.exec(`DELETE FROM audit_tasks WHERE account_id = ? AND start_time < ? AND status <> 'IN_PROGRESS'`,
		t.account, before.UnixMilli())
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

const auditCheckResultColumns = `check_name, status, total_resources, non_compliant_resources, suppressed_resources,
	error_code, message, configuration`

func scanAuditCheckResult(row interface{ Scan(...any) error }) (iot.AuditCheckResult, error) {
	var r iot.AuditCheckResult
	var config string
	err := row.Scan(&r.CheckName, &r.Status, &r.TotalResources, &r.NonCompliantResources, &r.SuppressedResources,
		&r.ErrorCode, &r.Message, &config)
	if err != nil {
		return iot.AuditCheckResult{}, err
	}
	r.Config, err = decodeNumbers(config)
	return r, err
}

func (t *tx) AuditCheckResult(ctx context.Context, taskID, checkName string) (iot.AuditCheckResult, error) {
	r, err := scanAuditCheckResult(t.queryRow(`SELECT `+auditCheckResultColumns+` FROM audit_check_results
		WHERE account_id = ? AND task_id = ? AND check_name = ?`, t.account, taskID, checkName))
	return r, notFound(err)
}

func (t *tx) AuditCheckResults(ctx context.Context, taskID string) ([]iot.AuditCheckResult, error) {
	rows, err := t.query(`SELECT `+auditCheckResultColumns+` FROM audit_check_results
		WHERE account_id = ? AND task_id = ? ORDER BY check_name`, t.account, taskID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var results []iot.AuditCheckResult
	for rows.Next() {
		r, err := scanAuditCheckResult(rows)
		if err != nil {
			return nil, err
		}
		results = append(results, r)
	}
	return results, rows.Err()
}

func (t *tx) PutAuditCheckResult(ctx context.Context, taskID string, r iot.AuditCheckResult) error {
	config, err := encodeNumbers(r.Config)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO audit_check_results (account_id, task_id, `+auditCheckResultColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, task_id, check_name) DO UPDATE SET status = excluded.status,
			total_resources = excluded.total_resources, non_compliant_resources = excluded.non_compliant_resources,
			suppressed_resources = excluded.suppressed_resources, error_code = excluded.error_code,
			message = excluded.message, configuration = excluded.configuration`,
		t.account, taskID, r.CheckName, r.Status, r.TotalResources, r.NonCompliantResources, r.SuppressedResources,
		r.ErrorCode, r.Message, config)
	return err
}
