package sqlite

import (
	"context"
	"encoding/json"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const scheduledAuditColumns = `name, frequency, day_of_week, day_of_month, target_checks, created_at, anchor, next_run, last_run`

func scanScheduledAudit(row interface{ Scan(...any) error }) (iot.ScheduledAudit, error) {
	var a iot.ScheduledAudit
	var checks string
	var created, anchor, next, last int64
	err := row.Scan(&a.Name, &a.Frequency, &a.DayOfWeek, &a.DayOfMonth, &checks, &created, &anchor, &next, &last)
	if err != nil {
		return iot.ScheduledAudit{}, err
	}
	a.CreatedAt, a.Anchor, a.NextRun, a.LastRun = fromMillis(created), fromMillis(anchor), fromMillis(next), fromMillis(last)
	err = json.Unmarshal([]byte(checks), &a.TargetChecks)
	return a, err
}

func (t *tx) ScheduledAudit(ctx context.Context, name string) (iot.ScheduledAudit, error) {
	a, err := scanScheduledAudit(t.queryRow(`SELECT `+scheduledAuditColumns+` FROM scheduled_audits
		WHERE account_id = ? AND name = ?`, t.account, name))
	return a, notFound(err)
}

func (t *tx) ScheduledAudits(ctx context.Context, p store.Page) ([]iot.ScheduledAudit, bool, error) {
	audits, err := t.scheduledAudits(`SELECT `+scheduledAuditColumns+` FROM scheduled_audits
		WHERE account_id = ? AND name > ? ORDER BY name LIMIT ?`, t.account, p.After, p.Limit+1)
	if err != nil {
		return nil, false, err
	}
	audits, more := trimPage(audits, p.Limit)
	return audits, more, nil
}

func (t *tx) DueScheduledAudits(ctx context.Context, at time.Time) ([]iot.ScheduledAudit, error) {
	return t.scheduledAudits(`SELECT `+scheduledAuditColumns+` FROM scheduled_audits
		WHERE account_id = ? AND next_run <= ? ORDER BY name`, t.account, at.UnixMilli())
}

func (t *tx) scheduledAudits(query string, args ...any) ([]iot.ScheduledAudit, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var audits []iot.ScheduledAudit
	for rows.Next() {
		a, err := scanScheduledAudit(rows)
		if err != nil {
			return nil, err
		}
		audits = append(audits, a)
	}
	return audits, rows.Err()
}

func (t *tx) CountScheduledAudits(ctx context.Context) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM scheduled_audits WHERE account_id = ?`, t.account).Scan(&n)
	return n, err
}

func (t *tx) PutScheduledAudit(ctx context.Context, a iot.ScheduledAudit) error {
	checks, err := json.Marshal(a.TargetChecks)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO scheduled_audits (account_id, `+scheduledAuditColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, name) DO UPDATE SET frequency = excluded.frequency, day_of_week = excluded.day_of_week,
			day_of_month = excluded.day_of_month, target_checks = excluded.target_checks, created_at = excluded.created_at,
			anchor = excluded.anchor, next_run = excluded.next_run, last_run = excluded.last_run`,
		t.account, a.Name, a.Frequency, a.DayOfWeek, a.DayOfMonth, string(checks), millis(a.CreatedAt), millis(a.Anchor),
		millis(a.NextRun), millis(a.LastRun))
	return err
}

func (t *tx) DeleteScheduledAudit(ctx context.Context, name string) error {
	res, err := t.exec(`DELETE FROM scheduled_audits WHERE account_id = ? AND name = ?`, t.account, name)
	return deleted(res, err)
}
