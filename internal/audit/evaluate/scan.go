package evaluate

import (
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"runtime/debug"
	"sync"

	"github.com/iotdefender/iotdefender/internal/audit/check"
)

// run is one check.Run being evaluated; finish calls its Finished once.
type run struct {
	check.Run
	once sync.Once
}

func (r *run) finish(err error) { r.once.Do(func() { r.Finished(err) }) }

// member is a run reading a scan through its visitor.
type member[R any] struct {
	run     *run
	visitor check.Visitor[R]
}

// scan hands every row of rows to the visitor of each run, then ends them,
// each in a goroutine counted by ending: together, so that their reporters'
// last writes can share the store's commits, and while the caller goes on. A
// run whose visitor fails or panics is finished with that error and reads no
// further row; the others go on. A scan error finishes every run still
// reading. The scan stops early once no run is left.
func scan[R any](log *slog.Logger, ending *sync.WaitGroup, runs []*run, begin func(*run) (check.Visitor[R], error), rows iter.Seq2[R, error]) {
	members := make([]member[R], 0, len(runs))
	for _, r := range runs {
		var v check.Visitor[R]
		err := protect(log, r, func() (err error) {
			v, err = begin(r)
			return err
		})
		if err != nil {
			r.finish(err)
			continue
		}
		members = append(members, member[R]{run: r, visitor: v})
	}
	if len(members) == 0 {
		return
	}
	for row, err := range rows {
		if err != nil {
			for _, m := range members {
				m.run.finish(err)
			}
			return
		}
		members = visitAll(log, members, row)
		if len(members) == 0 {
			return
		}
	}
	for _, m := range members {
		ending.Go(func() { m.run.finish(protect(log, m.run, m.visitor.End)) })
	}
}

// visitor starts the visitor of a run over rows of type R in scope.
func visitor[R any](r *run, scope *check.Scope) (check.Visitor[R], error) {
	v, ok := check.Begin[R](r.Check, scope)
	if !ok {
		return nil, fmt.Errorf("check %s does not read %T rows", r.Check.Name, *new(R))
	}
	return v, nil
}

// visitAll gives row to every member and returns those still reading.
func visitAll[R any](log *slog.Logger, members []member[R], row R) []member[R] {
	kept := members[:0] // kept never overtakes the member being read
	for rest := members; len(rest) > 0; {
		failed, err := visitRow(log, rest, row, &kept)
		if failed == len(rest) {
			break
		}
		rest[failed].run.finish(err)
		rest = rest[failed+1:]
	}
	return kept
}

// visitRow gives row to members in turn, appending to kept those that go on
// reading, until one fails or panics: it returns that one's index (len(members)
// when none did) and its error. One deferred recover per row, not per check.
func visitRow[R any](log *slog.Logger, members []member[R], row R, kept *[]member[R]) (failed int, err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("audit check panicked", "check", members[failed].run.Check.Name, "panic", v, "stack", string(debug.Stack()))
			err = errInternal
		}
	}()
	for ; failed < len(members); failed++ {
		if err := members[failed].visitor.Visit(row); err != nil {
			return failed, err
		}
		*kept = append(*kept, members[failed])
	}
	return failed, nil
}

// errInternal is what a check that panicked reports; the panic goes to the log.
var errInternal = errors.New("The check stopped on an internal error; the server log has the details.")

// protect calls fn, turning a panic into an error of the run's check: the check
// fails, not the process.
func protect(log *slog.Logger, r *run, fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			log.Error("audit check panicked", "check", r.Check.Name, "panic", v, "stack", string(debug.Stack()))
			err = errInternal
		}
	}()
	return fn()
}
