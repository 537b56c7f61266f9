package mitigation

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// Limits of a task [M][Q].
const (
	MaxInProgressTasks   = 10 // tasks of an account IN_PROGRESS at once
	maxTargetFindings    = 25
	maxReasonCodes       = 25 // per check of a reason code filter
	maxActionsPerCheck   = 5
	maxTaskIDLength      = 128
	maxRequestTokenBytes = 64
)

// StartTaskRequest is a StartAuditMitigationActionsTask request.
type StartTaskRequest struct {
	TaskID             string
	Target             iot.MitigationTaskTarget
	Mapping            map[string][]string
	ClientRequestToken string
}

// StartAuditMitigationActionsTask starts a task and returns its id at once:
// the task runs in the background. Starting again a task id with the same
// client request token returns the task already started [I]; with another
// token it is refused (TaskAlreadyExists) [M].
//
// Choices [I]: an audit task of the target must exist and be finished; the
// findings a target names must exist; every mapped check must be an audit
// check, each of its 1 to 5 actions must exist, be of a type the check allows
// and be named once; a reason code filter names checks and their declared
// reason codes. Anything else is an InvalidRequest that changes nothing.
func (e *Engine) StartAuditMitigationActionsTask(ctx context.Context, account string, req StartTaskRequest) (string, error) {
	if err := e.checkStartRequest(req); err != nil {
		return "", err
	}
	started := false
	err := e.store.Update(ctx, account, func(tx store.Tx) error {
		if existing, err := tx.MitigationTask(ctx, req.TaskID); err == nil {
			if existing.ClientRequestToken == req.ClientRequestToken {
				return nil // a retry of the request that started it
			}
			return iot.Errorf(iot.TaskAlreadyExists, "A mitigation task with id %s already exists.", req.TaskID)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		actions, err := e.mappedActions(ctx, tx, req.Mapping)
		if err != nil {
			return err
		}
		totals, err := e.targetTotals(ctx, tx, req.Target, req.Mapping)
		if err != nil {
			return err
		}
		running, err := tx.InProgressMitigationTasks(ctx)
		if err != nil {
			return err
		}
		if len(running) >= MaxInProgressTasks {
			return iot.Errorf(iot.LimitExceeded, "%d mitigation tasks are in progress, the most an account may run at once.", len(running))
		}
		stats := make(map[string]iot.MitigationFindingCounts, len(totals))
		for name, n := range totals {
			stats[name] = iot.MitigationFindingCounts{Total: n}
		}
		started = true
		return tx.PutMitigationTask(ctx, iot.MitigationTask{
			ID: req.TaskID, Status: iot.MitigationTaskInProgress, StartTime: e.clock.Now(),
			ClientRequestToken: req.ClientRequestToken, Target: req.Target, Mapping: req.Mapping,
			Actions: actions, Statistics: stats,
		})
	})
	if err != nil {
		return "", err
	}
	if started {
		e.launch(account, req.TaskID)
	}
	return req.TaskID, nil
}

// checkStartRequest checks what a request says on its own.
func (e *Engine) checkStartRequest(req StartTaskRequest) error {
	switch {
	case req.TaskID == "" || len(req.TaskID) > maxTaskIDLength:
		return iot.Errorf(iot.InvalidRequest, "taskId must have 1 to %d characters.", maxTaskIDLength)
	case req.ClientRequestToken == "" || len(req.ClientRequestToken) > maxRequestTokenBytes:
		return iot.Errorf(iot.InvalidRequest, "clientRequestToken must have 1 to %d characters.", maxRequestTokenBytes)
	}
	if err := e.checkTarget(req.Target); err != nil {
		return err
	}
	if len(req.Mapping) == 0 {
		return iot.Errorf(iot.InvalidRequest, "auditCheckToActionsMapping must map at least one audit check to its actions.")
	}
	for name, actions := range req.Mapping {
		if _, err := e.lookupCheck(name); err != nil {
			return err
		}
		if len(actions) == 0 || len(actions) > maxActionsPerCheck {
			return iot.Errorf(iot.InvalidRequest, "%s must be mapped to 1 to %d actions, not %d.", name, maxActionsPerCheck, len(actions))
		}
		for i, a := range actions {
			if slices.Contains(actions[:i], a) {
				return iot.Errorf(iot.InvalidRequest, "%s is mapped to the action %s twice.", name, a)
			}
		}
	}
	return nil
}

// checkTarget checks the form of a target: an audit task, with or without a
// reason code filter, or 1 to 25 findings; nothing else [M][I].
func (e *Engine) checkTarget(t iot.MitigationTaskTarget) error {
	switch {
	case t.AuditTaskID != "" && t.FindingIDs != nil:
		return iot.Errorf(iot.InvalidRequest, "The target names an audit task (auditTaskId) or findings (findingIds), not both.")
	case t.AuditTaskID == "" && t.FindingIDs == nil:
		return iot.Errorf(iot.InvalidRequest, "The target must name an audit task (auditTaskId) or findings (findingIds).")
	case t.ReasonCodeFilter != nil && t.AuditTaskID == "":
		return iot.Errorf(iot.InvalidRequest, "auditCheckToReasonCodeFilter narrows the findings of an audit task: it needs auditTaskId.")
	case t.FindingIDs != nil && (len(t.FindingIDs) == 0 || len(t.FindingIDs) > maxTargetFindings):
		return iot.Errorf(iot.InvalidRequest, "findingIds must name 1 to %d findings, not %d.", maxTargetFindings, len(t.FindingIDs))
	}
	for i, id := range t.FindingIDs {
		if slices.Contains(t.FindingIDs[:i], id) {
			return iot.Errorf(iot.InvalidRequest, "findingIds names the finding %s twice.", id)
		}
	}
	for name, codes := range t.ReasonCodeFilter {
		ch, err := e.lookupCheck(name)
		if err != nil {
			return err
		}
		if len(codes) == 0 || len(codes) > maxReasonCodes {
			return iot.Errorf(iot.InvalidRequest, "The reason code filter of %s must list 1 to %d reason codes, not %d.", name, maxReasonCodes, len(codes))
		}
		for _, code := range codes {
			if !slices.Contains(ch.ReasonCodes, code) {
				return iot.Errorf(iot.InvalidRequest, "%s is not a reason code of %s; its reason codes are %v.", code, name, ch.ReasonCodes)
			}
		}
	}
	return nil
}

// mappedActions checks the mapped actions against the account's definitions
// and the checks' allowed types, and returns the definitions: the task's
// snapshot, in the order of first use (checks by name, then list order).
func (e *Engine) mappedActions(ctx context.Context, tx store.ReadTx, mapping map[string][]string) ([]iot.MitigationAction, error) {
	var snapshot []iot.MitigationAction
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(mapping)) {
		ch := e.checks[name]
		for _, actionName := range mapping[name] {
			a, err := tx.MitigationAction(ctx, actionName)
			if errors.Is(err, store.ErrNotFound) {
				return nil, iot.Errorf(iot.InvalidRequest, "No mitigation action named %s.", actionName)
			} else if err != nil {
				return nil, err
			}
			if !slices.Contains(ch.MitigationActions, string(a.Type)) {
				return nil, iot.Errorf(iot.InvalidRequest, "The action %s is of type %s, which %s does not allow; it allows %v.",
					actionName, a.Type, name, ch.MitigationActions)
			}
			if !seen[actionName] {
				seen[actionName] = true
				snapshot = append(snapshot, a)
			}
		}
	}
	return snapshot, nil
}

// targetTotals counts the target's findings of each mapped check. The
// findings of checks not in the mapping are left out [I].
func (e *Engine) targetTotals(ctx context.Context, tx store.ReadTx, t iot.MitigationTaskTarget, mapping map[string][]string) (map[string]int64, error) {
	totals := make(map[string]int64, len(mapping))
	for name := range mapping {
		totals[name] = 0
	}
	if t.AuditTaskID == "" {
		for _, id := range t.FindingIDs {
			f, err := tx.AuditFinding(ctx, id, 0)
			if errors.Is(err, store.ErrNotFound) {
				return nil, iot.Errorf(iot.InvalidRequest, "Finding %s does not exist.", id)
			} else if err != nil {
				return nil, err
			}
			if _, mapped := mapping[f.CheckName]; mapped {
				totals[f.CheckName]++
			}
		}
		return totals, nil
	}
	audit, err := tx.AuditTask(ctx, t.AuditTaskID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, iot.Errorf(iot.InvalidRequest, "Audit task %s does not exist.", t.AuditTaskID)
	} else if err != nil {
		return nil, err
	}
	if audit.Status == iot.AuditTaskInProgress {
		return nil, iot.Errorf(iot.InvalidRequest, "Audit task %s is still in progress; start mitigation once it has finished.", t.AuditTaskID)
	}
	for name := range mapping {
		if totals[name], err = tx.CountAuditFindings(ctx, t.AuditTaskID, name); err != nil {
			return nil, err
		}
	}
	return totals, nil
}

// lookupCheck returns the audit check with that name, or an InvalidRequest
// error naming it.
func (e *Engine) lookupCheck(name string) (*check.Check, error) {
	ch, ok := e.checks[name]
	if !ok {
		return nil, iot.Errorf(iot.InvalidRequest, "%q is not an audit check name. DescribeAccountAuditConfiguration lists the checks.", name)
	}
	return ch, nil
}
