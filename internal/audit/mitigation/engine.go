// Package mitigation is iotdefender's mitigation engine: mitigation action
// definitions, and audit mitigation actions tasks that apply those actions to
// audit findings. The actions really change the fleet registry, through the
// registry's own use cases and rules; PUBLISH_FINDING_TO_SNS publishes
// through the SNS API.
//
// One file per action type registers the type with its metadata (action.go
// says what a type is). A task walks its findings in chunks (walk.go); each
// chunk is one transaction that applies the actions to its findings and
// records their executions, so that a stop of the process never applies an
// action twice nor loses the record of one (run.go). A task whose actions all
// stay in the store goes through a chunk in passes, one action for all its
// findings at once (progress_batch.go). Publishing a finding cannot share a
// transaction: its execution is recorded IN_PROGRESS before and its outcome
// after, and one found IN_PROGRESS after a restart ends FAILED, never
// published again.
//
// Choices where AWS documents nothing (the reference's [I] marks) are stated
// where they are made, each with "[I]". The roles of definitions
// (roleArn, roleArnForLogging) are kept and returned but not assumed:
// iotdefender applies the actions itself.
package mitigation

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/registry"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/worker"
)

// Retention is how long tasks and their executions are kept after the task
// started [Q].
const Retention = 90 * 24 * time.Hour

// Publisher sends a message to an SNS topic.
type Publisher interface {
	Publish(ctx context.Context, topicARN, message string) error
}

// Config wires an Engine.
type Config struct {
	Store    store.Store
	Registry *registry.Registry
	Clock    clock.Clock
	IDs      ids.Generator
	Region   string
	Tokens   *pagetoken.Codec
	// Checks is the catalogue of audit checks: which actions each allows and
	// which reason codes it reports. Production passes check.All().
	Checks []*check.Check
	// Publisher publishes findings for PUBLISH_FINDING_TO_SNS; when nil those
	// executions fail saying so.
	Publisher Publisher
	Log       *slog.Logger
	// ChunkSize is how many findings one transaction of a task goes through
	// (default 5000: a chunk holds the store's writer for a fraction of a
	// second, and the pages of resources many of its findings share are
	// written once for all of them).
	ChunkSize int
	// TickInterval is how often expired tasks are removed (default one hour).
	// Negative: never; the caller calls Tick.
	TickInterval time.Duration
}

// Engine runs mitigation tasks. It is safe for concurrent use.
type Engine struct {
	store     store.Store
	registry  *registry.Registry
	clock     clock.Clock
	ids       ids.Generator
	region    string
	tokens    *pagetoken.Codec
	checks    map[string]*check.Check
	publisher Publisher
	log       *slog.Logger
	chunkSize int
	interval  time.Duration

	// work runs the tasks and the retention ticker; Close stops it.
	work *worker.Group
}

// New returns an engine; Start starts its background work.
func New(cfg Config) *Engine {
	e := &Engine{
		store:     cfg.Store,
		registry:  cfg.Registry,
		clock:     cfg.Clock,
		ids:       cfg.IDs,
		region:    cfg.Region,
		tokens:    cfg.Tokens,
		checks:    map[string]*check.Check{},
		publisher: cfg.Publisher,
		log:       cfg.Log,
		chunkSize: cfg.ChunkSize,
		interval:  cfg.TickInterval,
	}
	for _, ch := range cfg.Checks {
		e.checks[ch.Name] = ch
	}
	if e.log == nil {
		e.log = slog.Default()
	}
	if e.chunkSize <= 0 {
		e.chunkSize = 5000
	}
	if e.interval == 0 {
		e.interval = time.Hour
	}
	e.work = worker.New()
	return e
}

// Start resumes the tasks a previous process left running, removes expired
// tasks and starts the retention ticker.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.recoverTasks(ctx); err != nil {
		return err
	}
	if err := e.Tick(ctx); err != nil {
		return err
	}
	if e.interval > 0 {
		e.work.Every(e.interval, e.Tick, func(err error) { e.log.Error("mitigation retention", "err", err) })
	}
	return nil
}

// Close stops the running tasks between two of their transactions and waits
// for them; a publication under way ends first (publishTimeout at most) and
// its outcome is recorded. The tasks stay IN_PROGRESS in the store; the next
// Start resumes them.
func (e *Engine) Close() { e.work.Close() }

// launch runs a task in the background; when the engine is closing, the
// next Start resumes the task.
func (e *Engine) launch(account, taskID string) {
	e.work.Go(func(ctx context.Context) { e.run(ctx, account, taskID) })
}

// Tick removes, in every account, the tasks that started more than Retention
// ago, with their executions.
func (e *Engine) Tick(ctx context.Context) error {
	accounts, err := e.store.System().Accounts(ctx)
	if err != nil {
		return err
	}
	before := e.clock.Now().Add(-Retention)
	var errs []error
	for _, a := range accounts {
		errs = append(errs, e.store.Update(ctx, a.ID, func(tx store.Tx) error {
			n, err := tx.DeleteMitigationTasksBefore(ctx, before)
			if n > 0 {
				e.log.Info("removed expired mitigation tasks", "account", a.ID, "tasks", n)
			}
			return err
		}))
	}
	return errors.Join(errs...)
}

// ListRequest is the paging part of every list operation.
type ListRequest struct {
	NextToken  string
	MaxResults int // 0: the default, 25
}

const defaultMaxResults = 25

// page turns a list request into a store page of the listing named by scope
// (the account, the operation and its filters).
func (e *Engine) page(scope string, req ListRequest) (store.Page, error) {
	p := store.Page{Limit: req.MaxResults}
	if p.Limit <= 0 {
		p.Limit = defaultMaxResults
	}
	if req.NextToken != "" {
		after, err := e.tokens.Open(scope, req.NextToken)
		if err != nil {
			return store.Page{}, err
		}
		p.After = after
	}
	return p, nil
}

// nextToken is the token of the page after the item with key last, "" when
// no item follows.
func (e *Engine) nextToken(scope string, more bool, last string) string {
	if !more {
		return ""
	}
	return e.tokens.Seal(scope, last)
}

// notFound turns store.ErrNotFound into a ResourceNotFound error.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return iot.Errorf(iot.NotFound, format, args...)
	}
	return err
}
