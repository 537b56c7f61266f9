package audit

import (
	"context"
	"encoding/hex"
	"errors"
	"hash/maphash"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// errCheckStopped says a check is no longer IN_PROGRESS: its task was
// canceled or completed while it ran.
var errCheckStopped = errors.New("audit check no longer in progress")

// reporter receives one check's findings. It writes them in batches as they
// come, so that memory stays bounded (two batches: one being filled while the
// previous one is written, so that the check does not wait for the store);
// they stay invisible until the check's completion is committed, in the
// transaction that writes its last batch, drops any finding that repeats a
// (resource, reason code) of the check, and counts (the store does both when
// two findings may share a resource; the reporter counts by itself when none
// can). A crash before that leaves no visible half of a check: the next Start
// discards the half and runs the check again.
type reporter struct {
	e          *Engine
	ctx        context.Context
	account    string
	task       iot.AuditTask
	result     iot.AuditCheckResult // the check's name and configuration
	severity   string
	suppressed map[string]bool // resource keys

	mu  sync.Mutex
	buf []iot.AuditFinding
	// resources holds a hash of the resource of every finding reported, and
	// suppressedFindings counts the suppressed ones: when no two hashes are
	// equal, no resource has two findings, and the counts are known without
	// reading the findings back (see counts).
	resources          []uint64
	seed               maphash.Seed
	suppressedFindings int64
	// writing receives the outcome of the batch being written, inFlight; nil
	// when none is. spare is the slice of the last batch written, emptied, for
	// the next batch.
	writing         chan error
	inFlight, spare []iot.AuditFinding
	// total counts the resources examined: once per row of a scan, without
	// the lock.
	total    atomic.Int64
	message  string
	writeErr error // the first failed write; later findings are dropped
	stopped  bool  // the check left IN_PROGRESS under us
	done     bool
}

var _ check.Reporter = (*reporter)(nil)

func (r *reporter) Evaluated(n int) { r.total.Add(int64(n)) }

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
	key := f.Resource.Identifier.Key()
	if len(r.resources) == 0 {
		r.seed = maphash.MakeSeed()
	}
	r.resources = append(r.resources, maphash.String(r.seed, key))
	finding := r.finding(f, key)
	if finding.Suppressed {
		r.suppressedFindings++
	}
	r.buf = append(r.buf, finding)
	switch {
	case len(r.buf) >= r.e.batchSize:
		r.flush()
	case len(r.buf) >= min(earlyBatch, r.e.batchSize) && r.written():
		r.flush()
	}
}

// earlyBatch is how many findings are worth a transaction of their own: a
// batch that size is written as soon as the previous one is, so that findings
// are written while the check goes on rather than left for its end. While the
// previous batch is being written, findings accumulate up to the batch size.
const earlyBatch = 1000

// finding turns what the check reported into the stored finding; key is its
// resource's key.
func (r *reporter) finding(f check.Finding, key string) iot.AuditFinding {
	now := r.e.clock.Now()
	out := iot.AuditFinding{
		ID:            findingID(now, r.e.ids.UUID()),
		TaskID:        r.task.ID,
		CheckName:     r.result.CheckName,
		TaskStartTime: r.task.StartTime,
		FindingTime:   now,
		Severity:      r.severity,
		Resource:      auditResource(f.Resource),
		Reason:        f.Reason,
		ReasonCode:    f.ReasonCode,
		Suppressed:    r.suppressed[key],
	}
	if len(f.Related) > 0 {
		out.Related = make([]iot.AuditResource, len(f.Related))
		for i, rel := range f.Related {
			out.Related[i] = auditResource(rel)
		}
	}
	return out
}

// findingID is a version 7 UUID (RFC 9562): the finding time in milliseconds,
// then the random bits of random, a version 4 UUID in canonical form. Ids that
// grow with time keep the store's inserts at the end of its indexes.
func findingID(t time.Time, random string) string {
	ms := uint64(t.UnixMilli())
	var b [13]byte // "xxxxxxxx-xxxx"
	hex.Encode(b[:8], []byte{byte(ms >> 40), byte(ms >> 32), byte(ms >> 24), byte(ms >> 16)})
	b[8] = '-'
	hex.Encode(b[9:], []byte{byte(ms >> 8), byte(ms)})
	return string(b[:]) + "-7" + random[15:]
}

func auditResource(r check.Resource) iot.AuditResource {
	return iot.AuditResource{Type: string(r.Type), Identifier: r.Identifier, AdditionalInfo: r.AdditionalInfo}
}

// flush starts writing the buffered findings, once the previous batch is
// written, in a transaction that checks the check is still in progress.
func (r *reporter) flush() {
	r.awaitWrite()
	if r.stopped || r.writeErr != nil {
		r.buf = r.buf[:0]
		return
	}
	batch := r.buf
	r.buf, r.spare, r.inFlight = r.spare, nil, batch
	done := make(chan error, 1)
	r.writing = done
	go func() {
		done <- r.e.store.Update(r.ctx, r.account, func(tx store.Tx) error {
			if err := r.inProgress(tx); err != nil {
				return err
			}
			return tx.AddAuditFindings(r.ctx, batch)
		})
	}()
}

// awaitWrite waits for the batch being written, if any, and records its outcome.
func (r *reporter) awaitWrite() {
	if r.writing != nil {
		r.wrote(<-r.writing)
	}
}

// written reports whether no batch is being written, recording the outcome of
// one that just was.
func (r *reporter) written() bool {
	select {
	case err := <-r.writing: // a nil channel is never ready
		r.wrote(err)
	default:
	}
	return r.writing == nil
}

// wrote records the outcome of the batch in flight, whose slice becomes the
// spare one.
func (r *reporter) wrote(err error) {
	r.failed(err)
	r.writing = nil
	clear(r.inFlight)
	r.spare, r.inFlight = r.inFlight[:0], nil
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
	r.awaitWrite()
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
		if err := tx.AddAuditFindings(r.ctx, r.buf); err != nil {
			return err
		}
		nonCompliant, suppressed, distinct := r.counts()
		if !distinct {
			var err error
			if nonCompliant, suppressed, err = tx.SettleAuditFindings(r.ctx, r.task.ID, res.CheckName); err != nil {
				return err
			}
		}
		res.TotalResources, res.NonCompliantResources, res.SuppressedResources = r.total.Load(), nonCompliant, suppressed
		res.Message = r.message
		res.Status = iot.CheckNonCompliant
		if res.Compliant() {
			res.Status = iot.CheckCompliant
		}
		return tx.PutAuditCheckResult(r.ctx, r.task.ID, res)
	})
	r.buf, r.spare, r.resources = nil, nil, nil
	r.failed(err)
}

// counts returns the non-compliant and suppressed resources of the check when
// every finding has a resource of its own (distinct): each finding is then a
// resource. When two findings may share a resource (their hashes are equal),
// the store settles them.
func (r *reporter) counts() (nonCompliant, suppressed int64, distinct bool) {
	slices.Sort(r.resources)
	for i := 1; i < len(r.resources); i++ {
		if r.resources[i] == r.resources[i-1] {
			return 0, 0, false
		}
	}
	return int64(len(r.resources)), r.suppressedFindings, true
}
