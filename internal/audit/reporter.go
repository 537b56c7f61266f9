package audit

import (
	"context"
	"errors"
	"sync"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// errCheckStopped says a check is no longer IN_PROGRESS: its task was
// canceled or completed while it ran.
var errCheckStopped = errors.New("audit check no longer in progress")

// reporter receives one check's findings. It writes them in batches as they
// come, so that memory stays bounded; they stay invisible until the check's
// completion is committed, in the transaction that writes its last batch and
// its counts. A crash before that leaves no visible half of a check, and the
// unique (task, check, resource, reason code) of a finding keeps a resumed
// check from duplicating one.
type reporter struct {
	e          *Engine
	ctx        context.Context
	account    string
	task       iot.AuditTask
	result     iot.AuditCheckResult // the check's name and configuration
	severity   string
	suppressed map[string]bool // resource keys

	mu       sync.Mutex
	buf      []iot.AuditFinding
	total    int64
	message  string
	writeErr error // the first failed write; later findings are dropped
	stopped  bool  // the check left IN_PROGRESS under us
	done     bool
}

var _ check.Reporter = (*reporter)(nil)

func (r *reporter) Evaluated(n int) {
	r.mu.Lock()
	r.total += int64(n)
	r.mu.Unlock()
}

func (r *reporter) Message(text string) {
	r.mu.Lock()
	r.message = truncate(text)
	r.mu.Unlock()
}

func (r *reporter) NonCompliant(f check.Finding) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done || r.stopped || r.writeErr != nil {
		return
	}
	r.buf = append(r.buf, r.finding(f))
	if len(r.buf) >= r.e.batchSize {
		r.flush()
	}
}

// finding turns what the check reported into the stored finding.
func (r *reporter) finding(f check.Finding) iot.AuditFinding {
	out := iot.AuditFinding{
		ID:            r.e.ids.UUID(),
		TaskID:        r.task.ID,
		CheckName:     r.result.CheckName,
		TaskStartTime: r.task.StartTime,
		FindingTime:   r.e.clock.Now(),
		Severity:      r.severity,
		Resource:      auditResource(f.Resource),
		Reason:        f.Reason,
		ReasonCode:    f.ReasonCode,
		Suppressed:    r.suppressed[f.Resource.Identifier.Key()],
	}
	if len(f.Related) > 0 {
		out.Related = make([]iot.AuditResource, len(f.Related))
		for i, rel := range f.Related {
			out.Related[i] = auditResource(rel)
		}
	}
	return out
}

func auditResource(r check.Resource) iot.AuditResource {
	return iot.AuditResource{Type: string(r.Type), Identifier: r.Identifier, AdditionalInfo: r.AdditionalInfo}
}

// flush writes the buffered findings while the check is still in progress.
func (r *reporter) flush() {
	err := r.e.store.Update(r.ctx, r.account, func(tx store.Tx) error {
		if err := r.inProgress(tx); err != nil {
			return err
		}
		_, err := tx.AddAuditFindings(r.ctx, r.buf)
		return err
	})
	r.buf = r.buf[:0]
	r.failed(err)
}

// failed records the outcome of a write.
func (r *reporter) failed(err error) {
	switch {
	case err == nil:
	case errors.Is(err, errCheckStopped):
		r.stopped = true
	case r.writeErr == nil:
		r.writeErr = err
		if r.ctx.Err() == nil {
			r.e.log.Error("audit findings could not be written", "account", r.account, "task", r.task.ID,
				"check", r.result.CheckName, "err", err)
		}
	}
}

func (r *reporter) inProgress(tx store.ReadTx) error {
	cur, err := tx.AuditCheckResult(r.ctx, r.task.ID, r.result.CheckName)
	if err != nil {
		return err
	}
	if cur.Status != iot.CheckInProgress {
		return errCheckStopped
	}
	return nil
}

// finish commits the check's completion: with its last findings and its
// counts when evalErr is nil and every write succeeded, else FAILED without
// findings. A commit that fails leaves the check IN_PROGRESS: the task's
// completion then fails it, or the next Start runs it again.
func (r *reporter) finish(evalErr error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return
	}
	r.done = true
	if r.stopped {
		return
	}
	err := r.e.store.Update(r.ctx, r.account, func(tx store.Tx) error {
		if err := r.inProgress(tx); err != nil {
			return err
		}
		res := r.result
		if evalErr != nil || r.writeErr != nil {
			res.Status, res.Message = iot.CheckFailed, "The audit's findings could not be stored."
			if evalErr != nil {
				res.Message = truncate(evalErr.Error())
			}
			if err := tx.DeleteAuditFindings(r.ctx, r.task.ID, res.CheckName); err != nil {
				return err
			}
			return tx.PutAuditCheckResult(r.ctx, r.task.ID, res)
		}
		if _, err := tx.AddAuditFindings(r.ctx, r.buf); err != nil {
			return err
		}
		nonCompliant, suppressed, err := tx.CountAuditFindingResources(r.ctx, r.task.ID, res.CheckName)
		if err != nil {
			return err
		}
		res.TotalResources, res.NonCompliantResources, res.SuppressedResources = r.total, nonCompliant, suppressed
		res.Message = r.message
		res.Status = iot.CheckNonCompliant
		if res.Compliant() {
			res.Status = iot.CheckCompliant
		}
		return tx.PutAuditCheckResult(r.ctx, r.task.ID, res)
	})
	r.buf = nil
	r.failed(err)
}
