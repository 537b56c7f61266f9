package mitigation

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// A task whose actions all stay inside the store goes through a step's
// findings in passes, one per position in the checks' action lists: each pass
// applies one action to every finding that has it there, so that an action
// type with applyMany changes a thousand resources in a few statements. Each
// finding's actions still run in their order, and those after a failure are
// skipped; all of a step's findings are done when the step commits.

// findingState is a finding of a batch and how far its actions went.
type findingState struct {
	f      iot.AuditFinding
	skip   string
	failed bool
}

// allInStore reports whether none of the task's actions has an outside effect.
func allInStore(task iot.MitigationTask) bool {
	for _, a := range task.Actions {
		if typ, ok := lookupType(a.Type); !ok || typ.external() {
			return false
		}
	}
	return true
}

// batch applies all the actions of findings, none of them part done.
func (p *progress) batch(ctx context.Context, findings []walkedFinding) error {
	states := make([]*findingState, len(findings))
	for i, f := range findings {
		states[i] = &findingState{f: f.AuditFinding, skip: p.skipReason(f.AuditFinding)}
	}
	for seq := range maxActionsPerCheck {
		var names []string
		byAction := map[string][]*findingState{}
		for _, s := range states {
			actions := p.task.Mapping[s.f.CheckName]
			if seq >= len(actions) {
				continue
			}
			if _, seen := byAction[actions[seq]]; !seen {
				names = append(names, actions[seq])
			}
			byAction[actions[seq]] = append(byAction[actions[seq]], s)
		}
		for _, name := range names {
			if err := p.applyToAll(ctx, seq, p.byName[name], byAction[name]); err != nil {
				return err
			}
		}
	}
	for _, s := range states {
		p.count(s.f, s.skip != "", s.failed)
	}
	return nil
}

// applyToAll applies the action at seq to the findings that still go on, and
// records its execution on each.
func (p *progress) applyToAll(ctx context.Context, seq int, def iot.MitigationAction, states []*findingState) error {
	typ, err := p.typeOf(def)
	if err != nil {
		return err
	}
	executions := make([]iot.MitigationExecution, len(states))
	var going []*findingState
	var goingAt []int
	for i, s := range states {
		executions[i] = p.newExecution(s.f, seq, def.Name)
		switch {
		case s.skip != "":
			executions[i].Message = s.skip
		case s.failed:
			executions[i].Message = earlierFailure
		default:
			going, goingAt = append(going, s), append(goingAt, i)
		}
	}
	errs, err := p.applyMany(ctx, typ, def, going)
	if err != nil {
		return err
	}
	for k, s := range going {
		x := &executions[goingAt[k]]
		if err := p.settle(x, errs[k]); err != nil {
			return err
		}
		s.failed = x.Status == iot.ExecutionFailed
	}
	p.executions = append(p.executions, executions...)
	return nil
}

// applyMany applies an action to findings, at once when its type can; it
// returns the error of each finding.
func (p *progress) applyMany(ctx context.Context, typ *actionType, def iot.MitigationAction, states []*findingState) ([]error, error) {
	findings := make([]iot.AuditFinding, len(states))
	for i, s := range states {
		findings[i] = s.f
	}
	if typ.applyMany != nil && len(findings) > 0 {
		return typ.applyMany(ctx, p.e, p.tx, findings, def.Params)
	}
	errs := make([]error, len(findings))
	for i, f := range findings {
		errs[i] = typ.apply(ctx, p.e, p.tx, f, def.Params)
	}
	return errs, nil
}
