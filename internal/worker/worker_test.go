package worker

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestCloseWaitsAndRefuses(t *testing.T) {
	g := New()
	started, finished := make(chan struct{}), atomic.Bool{}
	if !g.Go(func(ctx context.Context) {
		close(started)
		<-ctx.Done()
		time.Sleep(20 * time.Millisecond) // work that ends after the cancel
		finished.Store(true)
	}) {
		t.Fatal("Go refused work before Close")
	}
	<-started
	g.Close()
	if !finished.Load() {
		t.Error("Close returned before the work under way")
	}
	if g.Go(func(context.Context) { t.Error("work ran after Close") }) {
		t.Error("Go accepted work after Close")
	}
	if g.Context().Err() == nil {
		t.Error("the context is not canceled after Close")
	}
}

func TestWaitLeavesTicksRunning(t *testing.T) {
	g := New()
	defer g.Close()
	var ticks atomic.Int32
	g.Every(time.Millisecond, func(context.Context) error { ticks.Add(1); return nil }, func(error) {})
	done := atomic.Bool{}
	g.Go(func(context.Context) { time.Sleep(10 * time.Millisecond); done.Store(true) })
	g.Wait()
	if !done.Load() {
		t.Error("Wait returned before the work of Go")
	}
	before := ticks.Load()
	deadline := time.Now().Add(5 * time.Second)
	for ticks.Load() == before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if ticks.Load() == before {
		t.Error("the ticks stopped after Wait")
	}
}

func TestEvery(t *testing.T) {
	g := New()
	var ticks atomic.Int32
	errs := make(chan error, 100)
	g.Every(time.Millisecond, func(context.Context) error {
		if ticks.Add(1) == 3 {
			return errors.New("third")
		}
		return nil
	}, func(err error) { errs <- err })
	deadline := time.Now().Add(5 * time.Second)
	for ticks.Load() < 5 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	g.Close()
	after := ticks.Load()
	time.Sleep(10 * time.Millisecond)
	if after < 5 || ticks.Load() != after {
		t.Errorf("ticks: %d before Close, %d after; want at least 5, then none", after, ticks.Load())
	}
	close(errs)
	var got []string
	for err := range errs {
		got = append(got, err.Error())
	}
	if len(got) != 1 || got[0] != "third" {
		t.Errorf("errors reported: %v, want [third]", got)
	}
}
