package mitigation

import (
	"context"
	"errors"
	"slices"
	"strconv"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// ListExecutionsRequest is a ListAuditMitigationActionsExecutions request.
type ListExecutionsRequest struct {
	ListRequest
	TaskID, FindingID string                        // both required [M]
	Status            iot.MitigationExecutionStatus // "" for every status
}

// ListAuditMitigationActionsExecutions lists the executions of a task's
// actions on one finding, in the order of the actions. An action the task
// has not applied to the finding yet is PENDING while the task runs and
// CANCELED once it has ended; it has no start or end time. An unknown task,
// or a finding the task does not cover, has no executions [I].
func (e *Engine) ListAuditMitigationActionsExecutions(ctx context.Context, account string, req ListExecutionsRequest) ([]iot.MitigationExecution, string, error) {
	if req.TaskID == "" || req.FindingID == "" {
		return nil, "", iot.Errorf(iot.InvalidRequest, "taskId and findingId are required.")
	}
	scope := account + "/mitigation-executions/" + req.TaskID + "/" + req.FindingID + "/" + string(req.Status)
	p, err := e.page(scope, req.ListRequest)
	if err != nil {
		return nil, "", err
	}
	after := -1
	if p.After != "" {
		if after, err = strconv.Atoi(p.After); err != nil {
			return nil, "", iot.Errorf(iot.InvalidRequest, "The nextToken is not valid.")
		}
	}
	var all []iot.MitigationExecution
	err = e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		all, err = executionsOf(ctx, tx, req.TaskID, req.FindingID)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	var page []iot.MitigationExecution
	for _, x := range all {
		if x.Seq > after && (req.Status == "" || x.Status == req.Status) {
			page = append(page, x)
		}
	}
	more := len(page) > p.Limit
	if more {
		page = page[:p.Limit]
	}
	if len(page) == 0 {
		return nil, "", nil
	}
	return page, e.nextToken(scope, more, strconv.Itoa(page[len(page)-1].Seq)), nil
}

// executionsOf returns every execution of a task's actions on a finding, the
// recorded ones and, when the task covers the finding, the others PENDING or
// CANCELED.
func executionsOf(ctx context.Context, tx store.ReadTx, taskID, findingID string) ([]iot.MitigationExecution, error) {
	task, err := tx.MitigationTask(ctx, taskID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	recorded, err := tx.MitigationExecutions(ctx, taskID, findingID)
	if err != nil {
		return nil, err
	}
	f, err := tx.AuditFinding(ctx, findingID, 0)
	if errors.Is(err, store.ErrNotFound) {
		return recorded, nil
	} else if err != nil {
		return nil, err
	}
	actions, mapped := task.Mapping[f.CheckName]
	if !mapped || !(task.Target.AuditTaskID == f.TaskID || slices.Contains(task.Target.FindingIDs, f.ID)) {
		return recorded, nil
	}
	status := iot.ExecutionPending
	if task.Status != iot.MitigationTaskInProgress {
		status = iot.ExecutionCanceled
	}
	byName := snapshotByName(task)
	out := make([]iot.MitigationExecution, len(actions))
	for seq, name := range actions {
		out[seq] = iot.MitigationExecution{TaskID: taskID, FindingID: findingID, Seq: seq, ActionName: name,
			ActionID: byName[name].ID, Status: status}
	}
	for _, x := range recorded {
		if x.Seq < len(out) {
			out[x.Seq] = x
		}
	}
	return out, nil
}
