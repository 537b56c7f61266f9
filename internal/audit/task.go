package audit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// MaxOnDemandInProgress is how many on-demand audits of an account may be
// IN_PROGRESS at once [Q].
const MaxOnDemandInProgress = 10

// StartOnDemandAuditTask starts an audit of the named checks, every one of
// them enabled, and returns its task id at once: the audit runs in the
// background.
func (e *Engine) StartOnDemandAuditTask(ctx context.Context, account string, checkNames []string) (string, error) {
	names, err := e.checkNames(checkNames)
	if err != nil {
		return "", err
	}
	task := iot.AuditTask{ID: e.ids.Hex32(), Type: iot.OnDemandAuditTask, Status: iot.AuditTaskInProgress, StartTime: e.clock.Now()}
	err = e.store.Update(ctx, account, func(tx store.Tx) error {
		cfg, err := configuredChecks(ctx, tx)
		if err != nil {
			return err
		}
		if err := requireEnabled(cfg, names); err != nil {
			return err
		}
		running, err := tx.InProgressAuditTasks(ctx)
		if err != nil {
			return err
		}
		onDemand := 0
		for _, t := range running {
			if t.Type == iot.OnDemandAuditTask {
				onDemand++
			}
		}
		if onDemand >= MaxOnDemandInProgress {
			return iot.Errorf(iot.LimitExceeded, "%d on-demand audits are in progress, the most an account may run at once.", onDemand)
		}
		return e.createTask(ctx, tx, task, names, cfg)
	})
	if err != nil {
		return "", err
	}
	e.launch(account, task.ID)
	return task.ID, nil
}

// checkNames validates the target checks of an audit: at least one, each in
// the catalogue; duplicates are dropped.
func (e *Engine) checkNames(names []string) ([]string, error) {
	if len(names) == 0 {
		return nil, iot.Errorf(iot.InvalidRequest, "targetCheckNames must name at least one check.")
	}
	out := make([]string, 0, len(names))
	for _, name := range names {
		if _, err := e.checks.lookup(name); err != nil {
			return nil, err
		}
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out, nil
}

// requireEnabled refuses checks the account has not enabled.
func requireEnabled(cfg iot.AuditConfiguration, names []string) error {
	for _, name := range names {
		if !cfg.CheckEnabled(name) {
			return iot.Errorf(iot.InvalidRequest, "%s is not enabled for the account; enable it with UpdateAccountAuditConfiguration.", name)
		}
	}
	return nil
}

// createTask stores a new task with one IN_PROGRESS result per check, each
// with the configuration it will run with. A check that is no longer in the
// catalogue or no longer enabled (a scheduled audit's) is FAILED at once.
func (e *Engine) createTask(ctx context.Context, tx store.Tx, task iot.AuditTask, names []string, cfg iot.AuditConfiguration) error {
	if err := tx.PutAuditTask(ctx, task); err != nil {
		return err
	}
	for _, name := range names {
		r := iot.AuditCheckResult{CheckName: name, Status: iot.CheckInProgress}
		ch, known := e.checks.byName[name]
		switch {
		case !known:
			r.Status, r.Message = iot.CheckFailed, fmt.Sprintf("%s is not an audit check of this version of iotdefender.", name)
		case !cfg.CheckEnabled(name):
			r.Status, r.ErrorCode = iot.CheckFailed, iot.CheckErrorDisabled
			r.Message = fmt.Sprintf("%s is not enabled in the account's audit configuration.", name)
		default:
			r.Config = effectiveConfig(ch, cfg.Checks[name].Config)
		}
		if err := tx.PutAuditCheckResult(ctx, task.ID, r); err != nil {
			return err
		}
	}
	return nil
}

// TaskStatistics counts a task's checks by state; the counters other than
// Total partition Total.
type TaskStatistics struct {
	Total, InProgress, WaitingForDataCollection, Compliant, NonCompliant, Failed, Canceled int
}

// TaskDetails is a task with its checks.
type TaskDetails struct {
	iot.AuditTask
	Checks     []iot.AuditCheckResult
	Statistics TaskStatistics
}

func statistics(results []iot.AuditCheckResult) TaskStatistics {
	s := TaskStatistics{Total: len(results)}
	for _, r := range results {
		switch r.Status {
		case iot.CheckInProgress:
			s.InProgress++
		case iot.CheckWaitingForDataCollection:
			s.WaitingForDataCollection++
		case iot.CheckCompliant:
			s.Compliant++
		case iot.CheckNonCompliant:
			s.NonCompliant++
		case iot.CheckFailed:
			s.Failed++
		case iot.CheckCanceled:
			s.Canceled++
		}
	}
	return s
}

// DescribeAuditTask returns a task with its checks.
func (e *Engine) DescribeAuditTask(ctx context.Context, account, taskID string) (TaskDetails, error) {
	var d TaskDetails
	err := e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		if d.AuditTask, err = tx.AuditTask(ctx, taskID); err != nil {
			return notFound(err, "No audit task with id %s.", taskID)
		}
		d.Checks, err = tx.AuditCheckResults(ctx, taskID)
		return err
	})
	d.Statistics = statistics(d.Checks)
	return d, err
}

// ListTasksRequest is a ListAuditTasks request.
type ListTasksRequest struct {
	ListRequest
	// From and To bound the tasks' start times, both included [I]; both are
	// required.
	From, To time.Time
	Type     iot.AuditTaskType
	Status   iot.AuditTaskStatus
}

// ListAuditTasks lists the tasks started in the window, newest first [I].
func (e *Engine) ListAuditTasks(ctx context.Context, account string, req ListTasksRequest) ([]iot.AuditTask, string, error) {
	if req.From.IsZero() || req.To.IsZero() {
		return nil, "", iot.Errorf(iot.InvalidRequest, "startTime and endTime are required.")
	}
	if err := e.validateWindow(req.From, req.To); err != nil {
		return nil, "", err
	}
	scope := fmt.Sprintf("audit-tasks/%d/%d/%s/%s", req.From.UnixMilli(), req.To.UnixMilli(), req.Type, req.Status)
	filter := store.AuditTaskFilter{From: req.From, To: req.To, Type: req.Type, Status: req.Status}
	return listPage(ctx, e, account, scope, req.ListRequest,
		func(tx store.ReadTx, p store.Page) ([]iot.AuditTask, bool, error) {
			return tx.AuditTasks(ctx, filter, p)
		},
		store.AuditTaskKey)
}

// validateWindow refuses a window that ends before it starts or starts before the
// retention period [M].
func (e *Engine) validateWindow(from, to time.Time) error {
	if to.Before(from) {
		return iot.Errorf(iot.InvalidRequest, "endTime must not be before startTime.")
	}
	if from.Before(e.clock.Now().Add(-Retention)) {
		return iot.Errorf(iot.InvalidRequest, "startTime must be within the last 90 days: audit records are kept 90 days.")
	}
	return nil
}

// CancelAuditTask cancels an IN_PROGRESS task: its unfinished checks become
// CANCELED with no findings, the checks already finished keep theirs, and the
// running evaluation stops.
func (e *Engine) CancelAuditTask(ctx context.Context, account, taskID string) error {
	err := e.store.Update(ctx, account, func(tx store.Tx) error {
		task, err := tx.AuditTask(ctx, taskID)
		if err != nil {
			return notFound(err, "No audit task with id %s.", taskID)
		}
		if task.Status != iot.AuditTaskInProgress {
			return iot.Errorf(iot.InvalidRequest, "Audit task %s is %s; only a task IN_PROGRESS can be canceled.", taskID, task.Status)
		}
		if err := endUnfinished(ctx, tx, taskID, iot.CheckCanceled, ""); err != nil {
			return err
		}
		task.Status, task.EndTime = iot.AuditTaskCanceled, e.clock.Now()
		return tx.PutAuditTask(ctx, task)
	})
	if err != nil {
		return err
	}
	e.stop(account, taskID)
	e.background(func(ctx context.Context) { e.notify(ctx, account, taskID) })
	return nil
}
