package sqlite

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/iotdefender/iotdefender/internal/store"
)

// Group commit. SQLite has one writer, and most of a small write transaction's
// cost is its commit. One goroutine owns the write connection: it takes every
// transaction waiting at that moment, runs each inside its own SAVEPOINT (so a
// failing one is rolled back alone, and each sees the ones before it), commits
// them together and only then answers their callers. A lone transaction is
// committed at once; under load, commits are shared by up to maxBatch
// transactions.
const maxBatch = 128

var errClosed = errors.New("sqlite: store is closed")

type writeJob struct {
	ctx     context.Context
	account string
	fn      func(store.Tx) error
	done    chan error
}

type writer struct {
	jobs    chan *writeJob
	mu      sync.RWMutex // guards closed against sends in flight
	closed  bool
	stopped chan struct{}
}

func newWriter() *writer {
	return &writer{jobs: make(chan *writeJob, maxBatch), stopped: make(chan struct{})}
}

// Update runs fn in one write transaction scoped to account. fn runs on the
// store's writer goroutine; it must not call Update itself.
func (s *Store) Update(ctx context.Context, account string, fn func(store.Tx) error) error {
	job := &writeJob{ctx: ctx, account: account, fn: fn, done: make(chan error, 1)}
	w := s.writes
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	select {
	case w.jobs <- job:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	// Once queued, the job is answered: committed, rolled back, or skipped
	// because its context ended before it ran.
	return <-job.done
}

// writeLoop commits batches of jobs until the writer is closed and drained.
func (s *Store) writeLoop() {
	defer close(s.writes.stopped)
	for first := range s.writes.jobs {
		batch := []*writeJob{first}
	more:
		for len(batch) < maxBatch {
			select {
			case j, ok := <-s.writes.jobs:
				if !ok {
					break more
				}
				batch = append(batch, j)
			default:
				break more
			}
		}
		s.commit(batch)
	}
}

// closeWriter stops taking jobs, lets the queued ones finish and waits.
func (s *Store) closeWriter() {
	w := s.writes
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.jobs)
	}
	w.mu.Unlock()
	<-w.stopped
}

func (s *Store) commit(batch []*writeJob) {
	results := make([]error, len(batch))
	defer func() {
		for i, j := range batch {
			j.done <- results[i]
		}
	}()
	sqlTx, err := s.writer.BeginTx(context.Background(), nil)
	if err != nil {
		for i := range results {
			results[i] = fmt.Errorf("sqlite: begin: %w", err)
		}
		return
	}
	var unprepared []string
	committed := false
	for i, j := range batch {
		if err := j.ctx.Err(); err != nil {
			results[i] = err
			continue
		}
		if _, err := sqlTx.Exec("SAVEPOINT job"); err != nil {
			results[i] = fmt.Errorf("sqlite: savepoint: %w", err)
			continue
		}
		t := &tx{q: sqlTx, sqlTx: sqlTx, account: j.account, stmts: &s.writerStmts}
		err := runJob(j.fn, t)
		unprepared = append(unprepared, t.unprepared...)
		if err != nil {
			results[i] = err
			if _, rbErr := sqlTx.Exec("ROLLBACK TO job"); rbErr != nil {
				// The transaction is unusable: nothing of the batch can be kept.
				_ = sqlTx.Rollback()
				for k := range batch {
					if results[k] == nil {
						results[k] = fmt.Errorf("sqlite: rollback to savepoint: %w", rbErr)
					}
				}
				return
			}
		}
		if _, err := sqlTx.Exec("RELEASE job"); err != nil {
			results[i] = fmt.Errorf("sqlite: release savepoint: %w", err)
			continue
		}
		committed = committed || results[i] == nil
	}
	if err := sqlTx.Commit(); err != nil && committed {
		for i := range results {
			if results[i] == nil {
				results[i] = fmt.Errorf("sqlite: commit: %w", err)
			}
		}
	}
	s.writerStmts.prepare(s.writer, unprepared)
}

// runJob runs fn, turning a panic into an error for its caller.
func runJob(fn func(store.Tx) error, t *tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("sqlite: panic in write transaction: %v\n%s", r, debug.Stack())
		}
	}()
	return fn(t)
}
