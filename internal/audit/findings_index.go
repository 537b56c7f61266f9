package audit

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/store"
)

// An audit writes its findings without entering them in the store's resource
// index, which would cost most of its writing, and enters them once it has
// completed, in the background: the task is COMPLETED, and its findings
// listed, meanwhile (by resource, from the task's index).

// indexBatch is how many checks indexFindings looks up at a time.
const indexBatch = 100

// indexFindings enters the findings of the account's completed checks in the
// resource index, a check per transaction, oldest task first.
func (e *Engine) indexFindings(ctx context.Context, account string) error {
	for {
		var refs []store.AuditCheckRef
		err := e.store.View(ctx, account, func(tx store.ReadTx) (err error) {
			refs, err = tx.UnindexedAuditChecks(ctx, indexBatch)
			return err
		})
		if err != nil || len(refs) == 0 {
			return err
		}
		for _, r := range refs {
			err := e.store.Update(ctx, account, func(tx store.Tx) error {
				return tx.IndexAuditFindingResources(ctx, r.TaskID, r.CheckName)
			})
			if err != nil {
				return err
			}
		}
	}
}

// indexInBackground runs indexFindings for the account outside the caller.
func (e *Engine) indexInBackground(account string) {
	e.background(func(ctx context.Context) {
		if err := e.indexFindings(ctx, account); err != nil && ctx.Err() == nil {
			e.log.Error("audit findings not indexed by resource; the next tick retries", "account", account, "err", err)
		}
	})
}
