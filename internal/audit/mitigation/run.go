package mitigation

import (
	"context"
	"errors"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// A task runs as a sequence of steps, each one transaction: it records the
// outcome of the publication made since the previous step, then goes through
// the task's next findings, applying each finding's actions in mapping order
// and recording their executions, and advances the cursor past every finding
// it is done with. A step ends after a chunk of findings, or before an action
// with an outside effect: that action's execution is committed IN_PROGRESS,
// the message is sent outside any transaction, and the next step records the
// outcome and goes on with the same finding.
//
// A finding's actions run in order; after one fails, the finding's remaining
// actions are SKIPPED. A suppressed finding, and one the reason code filter
// leaves out, has all its actions SKIPPED and counts as skipped [I]. A
// finding counts as succeeded when all its actions completed, failed when one
// failed. The task ends COMPLETED, or FAILED when an action failed on any
// finding.

// publication is an action with an outside effect in flight: its execution,
// committed IN_PROGRESS, and the message to send.
type publication struct {
	execution iot.MitigationExecution
	message   outbound
	// err is the outcome of sending the message.
	err error
}

// publishTimeout bounds one publication.
const publishTimeout = 30 * time.Second

// run runs an IN_PROGRESS task until it ends, is canceled, or ctx ends (the
// engine is closing: the task stays IN_PROGRESS for the next Start). A
// failed transaction stops the run too; the task resumes at the next Start.
func (e *Engine) run(ctx context.Context, account, taskID string) {
	for {
		var sent *publication
		var done bool
		err := e.store.Update(ctx, account, func(tx store.Tx) error {
			var err error
			sent, done, err = e.step(ctx, tx, taskID)
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				e.log.Error("mitigation task stopped; it resumes when iotdefender restarts", "account", account, "task", taskID, "err", err)
			}
			return
		}
		if done {
			return
		}
		if sent == nil {
			continue
		}
		// Close does not interrupt a publication: it ends, and its outcome
		// is recorded (even when the task was canceled meanwhile: it
		// happened), before the engine stops.
		unstoppable := context.WithoutCancel(ctx)
		sent.err = e.publish(unstoppable, sent.message)
		err = e.store.Update(unstoppable, account, func(tx store.Tx) error {
			return tx.PutMitigationExecutions(unstoppable, []iot.MitigationExecution{e.outcome(sent)})
		})
		if err != nil {
			e.log.Error("outcome of a publication not recorded", "account", account, "task", taskID, "err", err)
			return
		}
	}
}

func (e *Engine) publish(ctx context.Context, m outbound) error {
	if e.publisher == nil {
		return errors.New("iotdefender was started without an SNS publisher")
	}
	ctx, cancel := context.WithTimeout(ctx, publishTimeout)
	defer cancel()
	return e.publisher.Publish(ctx, m.TopicARN, m.Body)
}

// step is one transaction of a run. It returns the publication to make
// before the next step, or done when the task has ended (or no longer
// exists).
func (e *Engine) step(ctx context.Context, tx store.Tx, taskID string) (next *publication, done bool, err error) {
	task, err := tx.MitigationTask(ctx, taskID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, true, nil
	} else if err != nil {
		return nil, false, err
	}
	if task.Status != iot.MitigationTaskInProgress {
		return nil, true, nil
	}
	findings, end, err := walk(ctx, tx, task, e.chunkSize)
	if err != nil {
		return nil, false, err
	}
	if len(findings) == 0 && end == task.Cursor {
		e.finish(&task)
		return nil, true, tx.PutMitigationTask(ctx, task)
	}
	p := &progress{e: e, tx: tx, task: &task, byName: snapshotByName(task)}
	if allInStore(task) {
		if err := p.batch(ctx, findings); err != nil {
			return nil, false, err
		}
		findings = nil // all done
	}
	for i, f := range findings {
		var recorded []iot.MitigationExecution
		if i == 0 {
			// Only the first finding can be part done: by the previous step
			// (a publication) or by a process that stopped.
			if recorded, err = tx.MitigationExecutions(ctx, task.ID, f.ID); err != nil {
				return nil, false, err
			}
		}
		next, err = p.finding(ctx, f.AuditFinding, recorded)
		if err != nil {
			return nil, false, err
		}
		if next != nil {
			break
		}
		task.Cursor = f.key
	}
	if next == nil {
		task.Cursor = end
	}
	if err := tx.PutMitigationExecutions(ctx, p.executions); err != nil {
		return nil, false, err
	}
	return next, false, tx.PutMitigationTask(ctx, task)
}

// outcome is the execution of a publication once it was made.
func (e *Engine) outcome(sent *publication) iot.MitigationExecution {
	x := sent.execution
	x.EndTime = e.clock.Now()
	if sent.err == nil {
		x.Status = iot.ExecutionCompleted
		return x
	}
	x.Status, x.ErrorCode, x.Message = iot.ExecutionFailed, publishErrorCode(sent.err), truncate(sent.err.Error())
	return x
}

// finish ends a task that has gone through all its findings: FAILED when an
// action failed, COMPLETED otherwise. Findings it never reached (named
// findings removed by the audit's retention meanwhile) count as skipped [I].
func (e *Engine) finish(task *iot.MitigationTask) {
	task.Status = iot.MitigationTaskCompleted
	for name, c := range task.Statistics {
		c.Skipped += c.Total - c.Finished()
		task.Statistics[name] = c
		if c.Failed > 0 {
			task.Status = iot.MitigationTaskFailed
		}
	}
	task.EndTime = e.clock.Now()
}

// end ends a task before it went through all its findings, in status: the
// findings it is not done with count as canceled.
func (e *Engine) end(task *iot.MitigationTask, status iot.MitigationTaskStatus) {
	for name, c := range task.Statistics {
		c.Canceled += c.Total - c.Finished()
		task.Statistics[name] = c
	}
	task.Status, task.EndTime = status, e.clock.Now()
}

func snapshotByName(task iot.MitigationTask) map[string]iot.MitigationAction {
	m := make(map[string]iot.MitigationAction, len(task.Actions))
	for _, a := range task.Actions {
		m[a.Name] = a
	}
	return m
}

// maxMessage is the longest message of an execution [M].
const maxMessage = 2048

func truncate(s string) string {
	if r := []rune(s); len(r) > maxMessage {
		return string(r[:maxMessage])
	}
	return s
}
