package mitigation

import (
	"context"
	"errors"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// maxResumes is how often a task is resumed after the process stopped while
// it ran. A task interrupted more often ends FAILED, the findings it had not
// reached counted as canceled [I], so that a task that brings the process
// down cannot keep it down.
const maxResumes = 3

// recoverTasks resumes every task a stopped process left IN_PROGRESS: it goes
// on from its cursor, every action it applied committed with its execution.
// A publication found IN_PROGRESS in a task that is no longer running (it was
// canceled, or has just ended for too many interruptions) ends FAILED; in a
// resumed task, the task's first step does the same.
func (e *Engine) recoverTasks(ctx context.Context) error {
	accounts, err := e.store.System().Accounts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range accounts {
		var resume []string
		err := e.store.Update(ctx, a.ID, func(tx store.Tx) error {
			var err error
			resume, err = e.recoverAccount(ctx, tx)
			return err
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, id := range resume {
			e.log.Info("resuming an interrupted mitigation task", "account", a.ID, "task", id)
			e.launch(a.ID, id)
		}
	}
	return errors.Join(errs...)
}

// recoverAccount settles the account's interrupted tasks and returns those to
// resume.
func (e *Engine) recoverAccount(ctx context.Context, tx store.Tx) ([]string, error) {
	ids, err := tx.InProgressMitigationTasks(ctx)
	if err != nil {
		return nil, err
	}
	var resume []string
	for _, id := range ids {
		task, err := tx.MitigationTask(ctx, id)
		if err != nil {
			return nil, err
		}
		task.Resumes++
		if task.Resumes > maxResumes {
			e.end(&task, iot.MitigationTaskFailed)
		} else {
			resume = append(resume, id)
		}
		if err := tx.PutMitigationTask(ctx, task); err != nil {
			return nil, err
		}
	}
	executions, err := tx.InProgressMitigationExecutions(ctx)
	if err != nil {
		return nil, err
	}
	var settled []iot.MitigationExecution
	for _, x := range executions {
		task, err := tx.MitigationTask(ctx, x.TaskID)
		if err != nil {
			return nil, err
		}
		if task.Status != iot.MitigationTaskInProgress {
			x.Status, x.EndTime = iot.ExecutionFailed, e.clock.Now()
			x.ErrorCode, x.Message = iot.ExecutionErrorInvalidState, interruptedMessage
			settled = append(settled, x)
		}
	}
	return resume, tx.PutMitigationExecutions(ctx, settled)
}
