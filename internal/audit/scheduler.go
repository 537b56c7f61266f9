package audit

import (
	"context"
	"errors"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// retentionInterval is how often Tick removes expired records.
const retentionInterval = time.Hour

// Tick starts every scheduled audit that is due, enters in the resource index
// the findings of completed checks left out (in the background) and, at most
// once an hour, removes the records older than Retention. Start calls it once, then every
// TickInterval.
func (e *Engine) Tick(ctx context.Context) error {
	e.tickMu.Lock()
	defer e.tickMu.Unlock()
	now := e.clock.Now()
	accounts, err := e.store.System().Accounts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range accounts {
		errs = append(errs, e.startDueAudits(ctx, a.ID, now))
		e.indexInBackground(a.ID) // checks left out: of canceled tasks, or by a process that stopped
	}
	if e.lastRetention.IsZero() || now.Sub(e.lastRetention) >= retentionInterval {
		for _, a := range accounts {
			errs = append(errs, e.expire(ctx, a.ID, now))
		}
		e.lastRetention = now
	}
	return errors.Join(errs...)
}

// startDueAudits starts the account's scheduled audits whose time has come.
func (e *Engine) startDueAudits(ctx context.Context, account string, now time.Time) error {
	var due []iot.ScheduledAudit
	err := e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		due, err = tx.DueScheduledAudits(ctx, now)
		return err
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range due {
		errs = append(errs, e.startScheduledAudit(ctx, account, a.Name, now))
	}
	return errors.Join(errs...)
}

// startScheduledAudit creates the task of a due scheduled audit and advances
// the audit's next run in one transaction, so that a restart neither loses
// nor repeats a run. Runs missed while nothing ran the scheduler are made up
// by this one run [I]: the next run is the first after now.
func (e *Engine) startScheduledAudit(ctx context.Context, account, name string, now time.Time) error {
	task := iot.AuditTask{ID: e.ids.Hex32(), Type: iot.ScheduledAuditTask, Status: iot.AuditTaskInProgress,
		StartTime: now, ScheduledAuditName: name}
	started := false
	err := e.store.Update(ctx, account, func(tx store.Tx) error {
		a, err := tx.ScheduledAudit(ctx, name)
		if errors.Is(err, store.ErrNotFound) || (err == nil && a.NextRun.After(now)) {
			return nil // deleted, or started meanwhile
		}
		if err != nil {
			return err
		}
		cfg, err := configuredChecks(ctx, tx)
		if err != nil {
			return err
		}
		task.PreviousRun = a.LastRun
		if err := e.createTask(ctx, tx, task, a.TargetChecks, cfg); err != nil {
			return err
		}
		a.LastRun, a.NextRun = now, nextRun(a, now)
		started = true
		return tx.PutScheduledAudit(ctx, a)
	})
	if err == nil && started {
		e.launch(account, task.ID)
	}
	return err
}

// expire removes the account's tasks, check results and findings older than
// Retention.
func (e *Engine) expire(ctx context.Context, account string, now time.Time) error {
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		n, err := tx.DeleteAuditTasksBefore(ctx, now.Add(-Retention))
		if n > 0 {
			e.log.Info("removed expired audit tasks", "account", account, "tasks", n)
		}
		return err
	})
}
