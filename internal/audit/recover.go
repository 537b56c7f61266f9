package audit

import (
	"context"
	"errors"
	"fmt"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// maxResumes is how often a task is resumed after the process stopped while
// it ran. A task interrupted more often ends FAILED [I], so that an audit that
// brings the process down cannot keep it down.
const maxResumes = 3

// resumeTasks resumes every task left IN_PROGRESS by a process that stopped:
// the checks that completed keep their committed results; the others run
// again from the start, their partial findings discarded.
func (e *Engine) resumeTasks(ctx context.Context) error {
	accounts, err := e.store.System().Accounts(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, a := range accounts {
		var tasks []iot.AuditTask
		err := e.store.View(ctx, a.ID, func(tx store.ReadTx) error {
			var err error
			tasks, err = tx.InProgressAuditTasks(ctx)
			return err
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, t := range tasks {
			errs = append(errs, e.resumeTask(ctx, a.ID, t.ID))
		}
	}
	return errors.Join(errs...)
}

func (e *Engine) resumeTask(ctx context.Context, account, taskID string) error {
	var resume, failed bool
	err := e.store.Update(ctx, account, func(tx store.Tx) error {
		task, err := tx.AuditTask(ctx, taskID)
		if err != nil || task.Status != iot.AuditTaskInProgress {
			return err
		}
		task.Resumes++
		if task.Resumes > maxResumes {
			msg := fmt.Sprintf("The audit was interrupted %d times before this check finished.", task.Resumes)
			if err := endUnfinished(ctx, tx, taskID, iot.CheckFailed, msg); err != nil {
				return err
			}
			task.Status, task.EndTime = iot.AuditTaskFailed, e.clock.Now()
			failed = true
			return tx.PutAuditTask(ctx, task)
		}
		results, err := tx.AuditCheckResults(ctx, taskID)
		if err != nil {
			return err
		}
		for _, r := range results {
			if !r.Status.Finished() {
				if err := tx.DeleteAuditFindings(ctx, taskID, r.CheckName); err != nil {
					return err
				}
			}
		}
		resume = true
		return tx.PutAuditTask(ctx, task)
	})
	switch {
	case err != nil:
		return err
	case resume:
		e.log.Info("resuming an interrupted audit task", "account", account, "task", taskID)
		e.launch(account, taskID)
	case failed:
		e.background(func(ctx context.Context) { e.notify(ctx, account, taskID) })
	}
	return nil
}
