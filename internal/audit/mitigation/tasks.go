package mitigation

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func taskNotFound(err error, id string) error {
	return notFound(err, "No audit mitigation actions task with id %s.", id)
}

// DescribeAuditMitigationActionsTask returns a task: its state, statistics,
// target, mapping and the definitions of its actions as they were when it
// started.
func (e *Engine) DescribeAuditMitigationActionsTask(ctx context.Context, account, taskID string) (iot.MitigationTask, error) {
	var task iot.MitigationTask
	err := e.store.View(ctx, account, func(tx store.ReadTx) (err error) {
		task, err = tx.MitigationTask(ctx, taskID)
		return taskNotFound(err, taskID)
	})
	return task, err
}

// CancelAuditMitigationActionsTask cancels an IN_PROGRESS task: the actions
// it applied stay, the findings it had not finished count as canceled and
// their actions not started are CANCELED. A publication in flight completes
// and is recorded.
func (e *Engine) CancelAuditMitigationActionsTask(ctx context.Context, account, taskID string) error {
	return e.store.Update(ctx, account, func(tx store.Tx) error {
		task, err := tx.MitigationTask(ctx, taskID)
		if err != nil {
			return taskNotFound(err, taskID)
		}
		if task.Status != iot.MitigationTaskInProgress {
			return iot.Errorf(iot.InvalidRequest, "Mitigation task %s is %s; only a task IN_PROGRESS can be canceled.", taskID, task.Status)
		}
		e.end(&task, iot.MitigationTaskCanceled)
		return tx.PutMitigationTask(ctx, task)
	})
}

// ListTasksRequest is a ListAuditMitigationActionsTasks request.
type ListTasksRequest struct {
	ListRequest
	// From and To are required: the tasks started at or after From that
	// ended at or before To, or are still running and started at or before
	// To [M][I].
	From, To    time.Time
	AuditTaskID string
	FindingID   string
	Status      iot.MitigationTaskStatus
}

// ListAuditMitigationActionsTasks lists tasks, newest first [I]. With
// FindingID, the tasks whose target covers that finding: they name it, or
// their audit is the finding's and they map its check.
func (e *Engine) ListAuditMitigationActionsTasks(ctx context.Context, account string, req ListTasksRequest) ([]iot.MitigationTask, string, error) {
	if req.From.IsZero() || req.To.IsZero() {
		return nil, "", iot.Errorf(iot.InvalidRequest, "startTime and endTime are required.")
	}
	if req.To.Before(req.From) {
		return nil, "", iot.Errorf(iot.InvalidRequest, "endTime must not be before startTime.")
	}
	if req.From.Before(e.clock.Now().Add(-Retention)) {
		return nil, "", iot.Errorf(iot.InvalidRequest, "startTime must be within the last 90 days: mitigation tasks are kept 90 days.")
	}
	scope := fmt.Sprintf("%s/mitigation-tasks/%d/%d/%s/%s/%s", account, req.From.UnixMilli(), req.To.UnixMilli(),
		req.AuditTaskID, req.FindingID, req.Status)
	p, err := e.page(scope, req.ListRequest)
	if err != nil {
		return nil, "", err
	}
	f := store.MitigationTaskFilter{From: req.From, To: req.To, Status: req.Status, AuditTaskID: req.AuditTaskID}
	var tasks []iot.MitigationTask
	var more bool
	err = e.store.View(ctx, account, func(tx store.ReadTx) error {
		if req.FindingID != "" {
			f.Finding = &store.MitigationFindingRef{ID: req.FindingID}
			finding, err := tx.AuditFinding(ctx, req.FindingID, 0)
			if err == nil {
				f.Finding.AuditTaskID, f.Finding.CheckName = finding.TaskID, finding.CheckName
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		var err error
		tasks, more, err = tx.MitigationTasks(ctx, f, p)
		return err
	})
	if err != nil || len(tasks) == 0 {
		return nil, "", err
	}
	return tasks, e.nextToken(scope, more, store.MitigationTaskKey(tasks[len(tasks)-1])), nil
}
