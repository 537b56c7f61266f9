package evaluate

import (
	"iter"
	"sync"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The device certificates, the largest scan, are read in parts on several
// transactions of the snapshot at once: decoding rows is most of a scan's
// work. One goroutine hands the rows to the checks, which see them serially.
const (
	certificateParts = 2
	certificateBatch = 512
)

// certificates is one batch of rows read by a part, or the error that ended it.
type certificates struct {
	rows []iot.Certificate
	err  error
}

// certificateBatches recycles the batches: the checks keep nothing of a row
// (check.Visitor), so a batch they have read is filled again.
var certificateBatches = sync.Pool{New: func() any { return new([certificateBatch]iot.Certificate) }}

func newBatch() []iot.Certificate {
	return certificateBatches.Get().(*[certificateBatch]iot.Certificate)[:0]
}

// readCertificatePart sends one part of the certificates, in batches, until it
// is read or stop is closed (the checks need no more rows).
func (a *audit) readCertificatePart(tx store.ReadTx, part int) {
	batch := newBatch()
	send := func(b certificates) bool {
		select {
		case a.certificates <- b:
			return true
		case <-a.stopCertificates:
			return false
		}
	}
	for c, err := range tx.AuditCertificates(a.ctx, part, certificateParts) {
		if err != nil {
			send(certificates{err: err})
			return
		}
		if batch = append(batch, c); len(batch) == certificateBatch {
			if !send(certificates{rows: batch}) {
				return
			}
			batch = newBatch()
		}
	}
	if len(batch) > 0 {
		send(certificates{rows: batch})
	}
}

// certificateRows yields the rows of every part as they arrive.
func certificateRows(batches <-chan certificates) iter.Seq2[*iot.Certificate, error] {
	return func(yield func(*iot.Certificate, error) bool) {
		for b := range batches {
			if b.err != nil {
				yield(nil, b.err)
				return
			}
			for i := range b.rows {
				if !yield(&b.rows[i], nil) {
					return
				}
			}
			certificateBatches.Put((*[certificateBatch]iot.Certificate)(b.rows[:certificateBatch]))
		}
	}
}
