package check

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Check is one audit check: its metadata and how it evaluates data.
type Check struct {
	Metadata
	// The evaluation fields (which data the check reads and the visitor that
	// reads it) are declared in evaluate.go.
	evaluation
}

// Run is one check to run in an audit.
type Run struct {
	Check  *Check
	Env    Env
	Report Reporter
	// Finished is called exactly once per run: with nil when the check has
	// examined all its data, or with the error that stopped it (the check is
	// then FAILED with the error's message). It may be called from any goroutine.
	Finished func(err error)
}

// Evaluator runs checks over one consistent view of an account's data, calling
// each run's Finished as its check completes.
type Evaluator interface {
	Evaluate(ctx context.Context, account string, runs []Run) error
}

var (
	registryMu sync.RWMutex
	registry   = map[string]*Check{}
)

// Register adds a check to the catalogue; it is called from the init functions
// of the checks' files. Registering a name twice is a programming error.
func Register(c *Check) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[c.Name]; dup {
		panic(fmt.Sprintf("check %s registered twice", c.Name))
	}
	registry[c.Name] = c
}

// Lookup returns the registered check with that name.
func Lookup(name string) (*Check, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	c, ok := registry[name]
	return c, ok
}

// All returns every registered check, sorted by name.
func All() []*Check {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]*Check, 0, len(registry))
	for _, c := range registry {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
