package mitigation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/smithy-go"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// progress applies the actions of one step to its findings, counts the
// findings it is done with in the task's statistics and collects the
// executions the step records.
type progress struct {
	e          *Engine
	tx         store.Tx
	task       *iot.MitigationTask
	byName     map[string]iot.MitigationAction
	executions []iot.MitigationExecution
}

// interruptedMessage is the message of a publication found IN_PROGRESS when a
// task resumes.
const interruptedMessage = "iotdefender stopped while this action was publishing the finding: the publication may or may not have happened. It is not repeated."

// finding applies, one after the other, the actions of f that have no
// execution in recorded yet. It returns the publication to make before f's
// next action, or nil once f is done.
func (p *progress) finding(ctx context.Context, f iot.AuditFinding, recorded []iot.MitigationExecution) (*publication, error) {
	skip := p.skipReason(f)
	failed := false
	for seq, name := range p.task.Mapping[f.CheckName] {
		if i := slices.IndexFunc(recorded, func(x iot.MitigationExecution) bool { return x.Seq == seq }); i >= 0 {
			x := recorded[i]
			if x.Status == iot.ExecutionInProgress {
				x.Status, x.EndTime = iot.ExecutionFailed, p.e.clock.Now()
				x.ErrorCode, x.Message = iot.ExecutionErrorInvalidState, interruptedMessage
				p.executions = append(p.executions, x)
			}
			failed = failed || x.Status == iot.ExecutionFailed
			continue
		}
		x := p.newExecution(f, seq, name)
		switch {
		case skip != "":
			x.Message = skip
		case failed:
			x.Message = earlierFailure
		default:
			pub, err := p.apply(ctx, f, p.byName[name], &x)
			if err != nil || pub != nil {
				return pub, err
			}
			failed = x.Status == iot.ExecutionFailed
		}
		p.executions = append(p.executions, x)
	}
	p.count(f, skip != "", failed)
	return nil, nil
}

// earlierFailure is the message of the actions skipped after a failure.
const earlierFailure = "An earlier action on this finding failed."

// newExecution is the execution of a finding's action at seq, SKIPPED until
// said otherwise.
func (p *progress) newExecution(f iot.AuditFinding, seq int, name string) iot.MitigationExecution {
	now := p.e.clock.Now()
	return iot.MitigationExecution{TaskID: p.task.ID, FindingID: f.ID, Seq: seq, ActionName: name, ActionID: p.byName[name].ID,
		StartTime: now, EndTime: now, Status: iot.ExecutionSkipped}
}

// count counts a finding the task is done with.
func (p *progress) count(f iot.AuditFinding, skipped, failed bool) {
	c := p.task.Statistics[f.CheckName]
	switch {
	case skipped:
		c.Skipped++
	case failed:
		c.Failed++
	default:
		c.Succeeded++
	}
	p.task.Statistics[f.CheckName] = c
}

// apply runs one action on f and sets x's outcome; an action with an outside
// effect is recorded IN_PROGRESS and returned as the publication to make.
func (p *progress) apply(ctx context.Context, f iot.AuditFinding, def iot.MitigationAction, x *iot.MitigationExecution) (*publication, error) {
	typ, err := p.typeOf(def)
	if err != nil {
		return nil, err
	}
	if !typ.external() {
		return nil, p.settle(x, typ.apply(ctx, p.e, p.tx, f, def.Params))
	}
	m, err := typ.message(ctx, p.e, p.tx, f, *p.task, def)
	if err != nil {
		return nil, p.settle(x, err)
	}
	x.Status, x.EndTime = iot.ExecutionInProgress, time.Time{}
	p.executions = append(p.executions, *x)
	return &publication{execution: *x, message: m}, nil
}

func (p *progress) typeOf(def iot.MitigationAction) (*actionType, error) {
	typ, ok := lookupType(def.Type)
	if !ok {
		return nil, fmt.Errorf("mitigation: action %s has the unknown type %s", def.Name, def.Type)
	}
	return typ, nil
}

// settle sets the outcome of an applied action: COMPLETED, or FAILED with
// the message of its domain error. Any other error is returned: it aborts
// the step.
func (p *progress) settle(x *iot.MitigationExecution, err error) error {
	var domain *iot.Error
	switch {
	case err == nil:
		x.Status = iot.ExecutionCompleted
	case errors.As(err, &domain):
		x.Status, x.ErrorCode, x.Message = iot.ExecutionFailed, iot.ExecutionErrorInvalidState, truncate(domain.Message)
	default:
		return err
	}
	x.EndTime = p.e.clock.Now()
	return nil
}

// skipReason says why the task skips all of f's actions, "" when it does
// not.
func (p *progress) skipReason(f iot.AuditFinding) string {
	if filter := p.task.Target.ReasonCodeFilter; filter != nil && !slices.Contains(filter[f.CheckName], f.ReasonCode) {
		return fmt.Sprintf("The task's reason code filter leaves out findings of %s with the reason code %s.", f.CheckName, f.ReasonCode)
	}
	if f.Suppressed {
		return "The finding is suppressed: mitigation actions skip suppressed findings."
	}
	return ""
}

// publishErrorCode classifies a failed publication: refused for lack of
// permission, or anything else [I: AWS documents these two codes only].
func publishErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "AuthorizationError", "AccessDenied", "AccessDeniedException", "InvalidClientTokenId", "UnrecognizedClientException":
			return iot.ExecutionErrorInsufficientPermissions
		}
	}
	return iot.ExecutionErrorInvalidState
}
