package audit

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// MaxScheduledAudits is how many scheduled audits an account may have [Q].
const MaxScheduledAudits = 5

// ScheduledAuditRequest is a Create or UpdateScheduledAudit request. On
// update, empty fields keep their value; a frequency change drops the day
// field the new frequency does not take.
type ScheduledAuditRequest struct {
	Name         string
	Frequency    iot.AuditFrequency
	DayOfWeek    string
	DayOfMonth   string
	TargetChecks []string
	Tags         []iot.Tag // on create only
}

// ScheduledAudit is a scheduled audit with its ARN.
type ScheduledAudit struct {
	iot.ScheduledAudit
	ARN string
}

func (e *Engine) scheduledAuditARN(account, name string) string {
	return iot.ARN(e.region, account, "scheduledaudit/"+name)
}

// CreateScheduledAudit creates a scheduled audit and returns its ARN.
func (e *Engine) CreateScheduledAudit(ctx context.Context, account string, req ScheduledAuditRequest) (string, error) {
	now := e.clock.Now()
	a := iot.ScheduledAudit{Name: req.Name, Frequency: req.Frequency, DayOfWeek: req.DayOfWeek, DayOfMonth: req.DayOfMonth, CreatedAt: now}
	if err := validateSchedule(a); err != nil {
		return "", err
	}
	names, err := e.checkNames(req.TargetChecks)
	if err != nil {
		return "", err
	}
	a.TargetChecks = names
	if err := validateTags(req.Tags); err != nil {
		return "", err
	}
	reschedule(&a, now)
	arn := e.scheduledAuditARN(account, req.Name)
	err = e.store.Update(ctx, account, func(tx store.Tx) error {
		if _, err := tx.ScheduledAudit(ctx, req.Name); err == nil {
			return iot.Exists(req.Name, arn, "A scheduled audit named %s already exists.", req.Name)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		n, err := tx.CountScheduledAudits(ctx)
		if err != nil {
			return err
		}
		if n >= MaxScheduledAudits {
			return iot.Errorf(iot.LimitExceeded, "The account has %d scheduled audits, the most it may have.", n)
		}
		cfg, err := configuredChecks(ctx, tx)
		if err != nil {
			return err
		}
		if err := requireEnabled(cfg, names); err != nil {
			return err
		}
		if err := tx.PutScheduledAudit(ctx, a); err != nil {
			return err
		}
		if len(req.Tags) == 0 {
			return nil
		}
		return tx.PutTags(ctx, arn, req.Tags)
	})
	return arn, err
}

// validateSchedule checks the frequency and the day field it takes (reference
// 3.3); a day field the frequency does not take is refused [I].
func validateSchedule(a iot.ScheduledAudit) error {
	switch a.Frequency {
	case iot.Daily:
		if a.DayOfWeek != "" || a.DayOfMonth != "" {
			return iot.Errorf(iot.InvalidRequest, "A DAILY audit takes neither dayOfWeek nor dayOfMonth.")
		}
	case iot.Weekly, iot.Biweekly:
		if _, ok := weekdays[a.DayOfWeek]; !ok {
			return iot.Errorf(iot.InvalidRequest, "A %s audit needs dayOfWeek (SUN, MON, TUE, WED, THU, FRI or SAT).", a.Frequency)
		}
		if a.DayOfMonth != "" {
			return iot.Errorf(iot.InvalidRequest, "A %s audit takes dayOfWeek, not dayOfMonth.", a.Frequency)
		}
	case iot.Monthly:
		if !validDayOfMonth(a.DayOfMonth) {
			return iot.Errorf(iot.InvalidRequest, "A MONTHLY audit needs dayOfMonth: 1 to 31, or LAST.")
		}
		if a.DayOfWeek != "" {
			return iot.Errorf(iot.InvalidRequest, "A MONTHLY audit takes dayOfMonth, not dayOfWeek.")
		}
	default:
		return iot.Errorf(iot.InvalidRequest, "frequency must be DAILY, WEEKLY, BIWEEKLY or MONTHLY.")
	}
	return nil
}

func validDayOfMonth(s string) bool {
	if s == iot.LastDayOfMonth {
		return true
	}
	d, err := strconv.Atoi(s)
	return err == nil && d >= 1 && d <= 31 && !strings.HasPrefix(s, "0") && !strings.HasPrefix(s, "+")
}

func validateTags(tags []iot.Tag) error {
	if len(tags) > iot.MaxTagsPerResource {
		return iot.Errorf(iot.InvalidRequest, "A resource may have at most %d tags.", iot.MaxTagsPerResource)
	}
	for _, t := range tags {
		if strings.HasPrefix(t.Key, iot.ReservedTagPrefix) {
			return iot.Errorf(iot.InvalidRequest, "Tag keys starting with %q are reserved.", iot.ReservedTagPrefix)
		}
	}
	return nil
}

// DescribeScheduledAudit returns a scheduled audit.
func (e *Engine) DescribeScheduledAudit(ctx context.Context, account, name string) (ScheduledAudit, error) {
	var a iot.ScheduledAudit
	err := e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		a, err = tx.ScheduledAudit(ctx, name)
		return notFound(err, "No scheduled audit named %s.", name)
	})
	return ScheduledAudit{ScheduledAudit: a, ARN: e.scheduledAuditARN(account, name)}, err
}

// UpdateScheduledAudit changes a scheduled audit and returns its ARN. A new
// frequency or day starts a new schedule from now.
func (e *Engine) UpdateScheduledAudit(ctx context.Context, account string, req ScheduledAuditRequest) (string, error) {
	var names []string
	if req.TargetChecks != nil {
		var err error
		if names, err = e.checkNames(req.TargetChecks); err != nil {
			return "", err
		}
	}
	err := e.store.Update(ctx, account, func(tx store.Tx) error {
		a, err := tx.ScheduledAudit(ctx, req.Name)
		if err != nil {
			return notFound(err, "No scheduled audit named %s.", req.Name)
		}
		before := a
		if req.Frequency != "" && req.Frequency != a.Frequency {
			a.Frequency, a.DayOfWeek, a.DayOfMonth = req.Frequency, "", ""
			if req.Frequency == iot.Weekly || req.Frequency == iot.Biweekly {
				a.DayOfWeek = before.DayOfWeek
			}
			if req.Frequency == iot.Monthly {
				a.DayOfMonth = before.DayOfMonth
			}
		}
		if req.DayOfWeek != "" {
			a.DayOfWeek = req.DayOfWeek
		}
		if req.DayOfMonth != "" {
			a.DayOfMonth = req.DayOfMonth
		}
		if err := validateSchedule(a); err != nil {
			return err
		}
		if names != nil {
			cfg, err := configuredChecks(ctx, tx)
			if err != nil {
				return err
			}
			if err := requireEnabled(cfg, names); err != nil {
				return err
			}
			a.TargetChecks = names
		}
		if a.Frequency != before.Frequency || a.DayOfWeek != before.DayOfWeek || a.DayOfMonth != before.DayOfMonth {
			reschedule(&a, e.clock.Now())
		}
		return tx.PutScheduledAudit(ctx, a)
	})
	if err != nil {
		return "", err
	}
	return e.scheduledAuditARN(account, req.Name), nil
}

// DeleteScheduledAudit deletes a scheduled audit and its tags; the tasks it
// started stay.
func (e *Engine) DeleteScheduledAudit(ctx context.Context, account, name string) error {
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		return e.deleteScheduledAudit(ctx, tx, account, name)
	})
}

func (e *Engine) deleteScheduledAudit(ctx context.Context, tx store.Tx, account, name string) error {
	if err := tx.DeleteScheduledAudit(ctx, name); err != nil {
		return notFound(err, "No scheduled audit named %s.", name)
	}
	return tx.DeleteTags(ctx, e.scheduledAuditARN(account, name))
}

// ListScheduledAudits lists scheduled audits by name.
func (e *Engine) ListScheduledAudits(ctx context.Context, account string, req ListRequest) ([]ScheduledAudit, string, error) {
	audits, next, err := listPage(ctx, e, account, "scheduled-audits", req,
		func(tx store.ReadTx, p store.Page) ([]iot.ScheduledAudit, bool, error) {
			return tx.ScheduledAudits(ctx, p)
		},
		func(a iot.ScheduledAudit) string { return a.Name })
	out := make([]ScheduledAudit, len(audits))
	for i, a := range audits {
		out[i] = ScheduledAudit{ScheduledAudit: a, ARN: e.scheduledAuditARN(account, a.Name)}
	}
	return out, next, err
}

// allScheduledAudits returns every scheduled audit of the account (at most
// MaxScheduledAudits).
func allScheduledAudits(ctx context.Context, tx store.ReadTx) ([]iot.ScheduledAudit, error) {
	var all []iot.ScheduledAudit
	p := store.Page{Limit: 100}
	for {
		page, more, err := tx.ScheduledAudits(ctx, p)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if !more {
			return all, nil
		}
		p.After = page[len(page)-1].Name
	}
}
