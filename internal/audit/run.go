package audit

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// runTask runs the unfinished checks of an IN_PROGRESS task through the
// evaluator, then completes the task. When ctx ends first (the task was
// canceled, or the engine is closing) the task is left as it is: canceled, or
// IN_PROGRESS for the next Start to resume.
func (e *Engine) runTask(ctx context.Context, account, taskID string) {
	task, results, suppressed, err := e.loadRun(ctx, account, taskID)
	if err != nil {
		if ctx.Err() == nil {
			e.log.Error("audit task could not start", "account", account, "task", taskID, "err", err)
		}
		return
	}
	if task.Status != iot.AuditTaskInProgress {
		return
	}
	var runs []check.Run
	for _, r := range results {
		if r.Status.Finished() {
			continue
		}
		ch := e.checks.byName[r.CheckName]
		rep := &reporter{e: e, ctx: ctx, account: account, task: task, result: r, suppressed: suppressed[r.CheckName]}
		switch {
		case ch == nil:
			rep.finish(fmt.Errorf("%s is not an audit check of this version of iotdefender", r.CheckName))
		case ch.Unsupported != "":
			rep.finish(errors.New(ch.Unsupported)) // never COMPLETED_COMPLIANT: the data is not there
		default:
			rep.severity = string(ch.Severity)
			env := check.Env{Account: account, Region: e.region, Start: task.StartTime, Config: r.Config, Window: checkWindow(ch, task)}
			runs = append(runs, check.Run{Check: ch, Env: env, Report: rep, Finished: rep.finish})
		}
	}
	evalErr := e.evaluate(ctx, account, runs)
	if ctx.Err() != nil {
		return
	}
	completed, err := e.complete(ctx, account, taskID, evalErr)
	if err != nil {
		e.log.Error("audit task could not complete", "account", account, "task", taskID, "err", err)
		return
	}
	if completed {
		e.notify(ctx, account, taskID)
		e.indexInBackground(account)
	}
}

// loadRun reads what a run needs: the task, its checks and the suppressions of
// those checks active when the task started, by check then resource key.
func (e *Engine) loadRun(ctx context.Context, account, taskID string) (task iot.AuditTask, results []iot.AuditCheckResult, suppressed map[string]map[string]bool, err error) {
	err = e.store.View(ctx, account, func(tx store.ReadTx) error {
		if task, err = tx.AuditTask(ctx, taskID); err != nil {
			return err
		}
		if results, err = tx.AuditCheckResults(ctx, taskID); err != nil {
			return err
		}
		suppressed = map[string]map[string]bool{}
		for _, r := range results {
			keys, err := activeSuppressions(ctx, tx, r.CheckName, task.StartTime)
			if err != nil {
				return err
			}
			suppressed[r.CheckName] = keys
		}
		return nil
	})
	return task, results, suppressed, err
}

// activeSuppressions returns the resource keys of a check's suppressions
// active at t.
func activeSuppressions(ctx context.Context, tx store.ReadTx, checkName string, t time.Time) (map[string]bool, error) {
	keys := map[string]bool{}
	p := store.Page{Limit: 1000}
	for {
		page, more, err := tx.AuditSuppressions(ctx, store.AuditSuppressionFilter{CheckName: checkName}, p)
		if err != nil {
			return nil, err
		}
		for _, s := range page {
			if s.ActiveAt(t) {
				keys[s.Resource.Key()] = true
			}
		}
		if !more {
			return keys, nil
		}
		p.After = store.AuditSuppressionKey(page[len(page)-1])
	}
}

// evaluate runs the checks, turning a panic of the evaluator into an error.
func (e *Engine) evaluate(ctx context.Context, account string, runs []check.Run) (err error) {
	if len(runs) == 0 {
		return nil
	}
	defer func() {
		if v := recover(); v != nil {
			e.log.Error("audit evaluation panicked", "account", account, "panic", v, "stack", string(debug.Stack()))
			err = errors.New("the audit stopped on an internal error")
		}
	}()
	return e.evaluator.Evaluate(ctx, account, runs)
}

// complete ends an IN_PROGRESS task once its evaluation has returned: checks
// it left unfinished are FAILED, and the task is COMPLETED, or FAILED when the
// evaluation as a whole failed [I] (a check failing on its own does not fail
// the task). It reports whether it changed the task.
func (e *Engine) complete(ctx context.Context, account, taskID string, evalErr error) (bool, error) {
	changed := false
	err := e.store.Update(ctx, account, func(tx store.Tx) error {
		task, err := tx.AuditTask(ctx, taskID)
		if err != nil || task.Status != iot.AuditTaskInProgress {
			return err
		}
		message := "The check did not finish."
		if evalErr != nil {
			message = evalErr.Error()
		}
		if err := endUnfinished(ctx, tx, taskID, iot.CheckFailed, message); err != nil {
			return err
		}
		task.Status, task.EndTime = iot.AuditTaskCompleted, e.clock.Now()
		if evalErr != nil {
			task.Status = iot.AuditTaskFailed
		}
		changed = true
		return tx.PutAuditTask(ctx, task)
	})
	return changed, err
}

// endUnfinished ends every unfinished check of a task in status, with
// message, discarding its findings.
func endUnfinished(ctx context.Context, tx store.Tx, taskID string, status iot.AuditCheckRunStatus, message string) error {
	results, err := tx.AuditCheckResults(ctx, taskID)
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Status.Finished() {
			continue
		}
		if err := tx.DeleteAuditFindings(ctx, taskID, r.CheckName); err != nil {
			return err
		}
		r.Status, r.Message = status, truncate(message)
		if err := tx.PutAuditCheckResult(ctx, taskID, r); err != nil {
			return err
		}
	}
	return nil
}

// maxMessage is the longest message of a check result (AuditCheckDetails).
const maxMessage = 2048

func truncate(s string) string {
	if r := []rune(s); len(r) > maxMessage {
		return string(r[:maxMessage])
	}
	return s
}
