// Package audit is iotdefender's audit engine: the account audit
// configuration, on-demand and scheduled audit tasks and the scheduler that
// starts the latter, findings, suppressions, audit notifications, recovery of
// the tasks a stopped process left running, and the 90-day retention of tasks
// and findings. The checks themselves are not here: the engine runs the checks
// of its catalogue through a check.Evaluator and records what they report.
//
// Choices where AWS documents nothing (the reference's [I] marks) are stated
// where they are made, each with "[I]".
package audit

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/worker"
)

// Retention is how long tasks, their check results and their findings are
// kept after the task started.
const Retention = 90 * 24 * time.Hour

// Publisher sends a message to an SNS topic.
type Publisher interface {
	Publish(ctx context.Context, topicARN, message string) error
}

// Config wires an Engine.
type Config struct {
	Store  store.Store
	Clock  clock.Clock
	IDs    ids.Generator
	Region string
	Tokens *pagetoken.Codec
	// Checks is the catalogue of checks the engine knows; production passes
	// check.All().
	Checks []*check.Check
	// Evaluator runs the checks. When nil, every check of every audit fails
	// saying that no evaluator is configured.
	Evaluator check.Evaluator
	// Publisher sends audit notifications; when nil none are sent.
	Publisher Publisher
	Log       *slog.Logger
	// TickInterval is how often the scheduler starts due scheduled audits and
	// removes expired records (default one minute). Negative: never; the
	// caller calls Tick.
	TickInterval time.Duration
	// BatchSize is how many findings are written per transaction (default 4000).
	BatchSize int
}

// Engine runs audits. It is safe for concurrent use.
type Engine struct {
	store     store.Store
	clock     clock.Clock
	ids       ids.Generator
	region    string
	tokens    *pagetoken.Codec
	checks    *catalogue
	evaluator check.Evaluator
	publisher Publisher
	log       *slog.Logger
	interval  time.Duration
	batchSize int

	// work runs the audits, notifications and the scheduler; Close stops it.
	work *worker.Group

	mu sync.Mutex
	// running holds the cancel function of each audit running in this process.
	running map[string]context.CancelFunc

	tickMu        sync.Mutex
	lastRetention time.Time
}

// New returns an engine; Start starts its background work.
func New(cfg Config) *Engine {
	e := &Engine{
		store:     cfg.Store,
		clock:     cfg.Clock,
		ids:       cfg.IDs,
		region:    cfg.Region,
		tokens:    cfg.Tokens,
		checks:    newCatalogue(cfg.Checks),
		evaluator: cfg.Evaluator,
		publisher: cfg.Publisher,
		log:       cfg.Log,
		interval:  cfg.TickInterval,
		batchSize: cfg.BatchSize,
		running:   map[string]context.CancelFunc{},
	}
	if e.evaluator == nil {
		e.evaluator = missingEvaluator{}
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.interval == 0 {
		e.interval = time.Minute
	}
	if e.batchSize <= 0 {
		e.batchSize = 4000
	}
	e.work = worker.New()
	return e
}

// Start resumes the audits a previous process left running, starts the
// scheduled audits that came due while nothing ran them, removes expired
// records, and starts the scheduler.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.resumeTasks(ctx); err != nil {
		return err
	}
	if err := e.Tick(ctx); err != nil {
		return err
	}
	if e.interval > 0 {
		e.work.Every(e.interval, e.Tick, func(err error) { e.log.Error("audit scheduler", "err", err) })
	}
	return nil
}

// Close stops the scheduler and the running audits and waits for them. The
// audits stay IN_PROGRESS in the store; the next Start resumes them.
func (e *Engine) Close() { e.work.Close() }

// launch runs a task's audit in the background; when the engine is closing,
// the next Start resumes the task.
func (e *Engine) launch(account, taskID string) {
	ctx, cancel := context.WithCancel(e.work.Context())
	key := account + "/" + taskID
	e.mu.Lock()
	e.running[key] = cancel
	e.mu.Unlock()
	forget := func() {
		e.mu.Lock()
		delete(e.running, key)
		e.mu.Unlock()
		cancel()
	}
	if !e.work.Go(func(context.Context) {
		defer forget()
		e.runTask(ctx, account, taskID)
	}) {
		forget()
	}
}

// stop cancels a task's audit when it runs in this process.
func (e *Engine) stop(account, taskID string) {
	e.mu.Lock()
	cancel := e.running[account+"/"+taskID]
	e.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// background runs fn outside the request that asked for it, until Close.
func (e *Engine) background(fn func(ctx context.Context)) { e.work.Go(fn) }

// ListRequest is the paging part of every list operation.
type ListRequest struct {
	NextToken  string
	MaxResults int // 0: the default, 25
}

const defaultMaxResults = 25

// listPage reads one page of a listing of the account's records: fetch reads
// the items of store page p, key gives an item's sort key. scope names the
// listing with its filters, so that a nextToken serves that listing only.
func listPage[T any](ctx context.Context, e *Engine, account, scope string, req ListRequest,
	fetch func(tx store.ReadTx, p store.Page) ([]T, bool, error), key func(T) string) (items []T, nextToken string, err error) {
	p := store.Page{Limit: req.MaxResults}
	if p.Limit <= 0 {
		p.Limit = defaultMaxResults
	}
	scope = account + "/" + scope
	if req.NextToken != "" {
		if p.After, err = e.tokens.Open(scope, req.NextToken); err != nil {
			return nil, "", err
		}
	}
	var more bool
	err = e.store.View(ctx, account, func(tx store.ReadTx) error {
		var err error
		items, more, err = fetch(tx, p)
		return err
	})
	if err != nil || !more || len(items) == 0 {
		return items, "", err
	}
	return items, e.tokens.Seal(scope, key(items[len(items)-1])), nil
}

// notFound turns store.ErrNotFound into a ResourceNotFound error.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return iot.Errorf(iot.NotFound, format, args...)
	}
	return err
}

// missingEvaluator fails every run: the engine was built without checks'
// evaluator.
type missingEvaluator struct{}

func (missingEvaluator) Evaluate(ctx context.Context, account string, runs []check.Run) error {
	for _, r := range runs {
		r.Finished(errors.New("iotdefender was started without an evaluator for the audit checks"))
	}
	return nil
}
