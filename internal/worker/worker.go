// Package worker runs an engine's background work: goroutines of its tasks
// and a periodic tick, all stopped and awaited by Close.
package worker

import (
	"context"
	"sync"
	"time"
)

// Group is the background work of one engine. Its zero value is not usable;
// New makes one.
type Group struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	closed bool
	// work counts the goroutines of Go, ticks those of Every.
	work, ticks sync.WaitGroup
}

// New returns a group that runs work until Close.
func New() *Group {
	g := &Group{}
	g.ctx, g.cancel = context.WithCancel(context.Background())
	return g
}

// Context is the parent of the group's work: Close cancels it.
func (g *Group) Context() context.Context { return g.ctx }

// Go runs fn in a goroutine with the group's context, unless Close has begun;
// it reports whether fn runs.
func (g *Group) Go(fn func(ctx context.Context)) bool { return g.start(&g.work, fn) }

func (g *Group) start(wg *sync.WaitGroup, fn func(ctx context.Context)) bool {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return false
	}
	wg.Add(1)
	g.mu.Unlock()
	go func() {
		defer wg.Done()
		fn(g.ctx)
	}()
	return true
}

// Every calls tick every interval until Close; onError gets the errors of
// ticks that Close did not interrupt.
func (g *Group) Every(interval time.Duration, tick func(context.Context) error, onError func(error)) {
	g.start(&g.ticks, func(ctx context.Context) { Tick(ctx, interval, tick, onError) })
}

// Tick calls tick every interval until ctx ends; onError gets the errors of
// ticks that the end of ctx did not interrupt.
func Tick(ctx context.Context, interval time.Duration, tick func(context.Context) error, onError func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := tick(ctx); err != nil && ctx.Err() == nil {
				onError(err)
			}
		}
	}
}

// Wait waits until no goroutine of Go runs (the ticks of Every go on).
func (g *Group) Wait() { g.work.Wait() }

// Close cancels the group's context, refuses new work and waits for the work
// under way to return.
func (g *Group) Close() {
	g.mu.Lock()
	g.closed = true
	g.cancel()
	g.mu.Unlock()
	g.ticks.Wait()
	g.work.Wait()
}
