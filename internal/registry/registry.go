// Package registry holds the use cases of the AWS IoT fleet registry — things,
// thing types and groups, certificates and CA certificates, policies, principals,
// logging options, role aliases, tags — and enforces AWS's rules for them. It
// reads and writes through store.Store, one transaction per use case.
package registry

import (
	"context"
	"errors"

	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/store"
)

// Config wires a Registry.
type Config struct {
	Store  store.Store
	Clock  clock.Clock
	IDs    ids.Generator
	Region string
	Tokens *pagetoken.Codec
	// Authority issues the certificates of CreateKeysAndCertificate and
	// CreateCertificateFromCsr; Keys supplies their RSA key pairs.
	Authority *certs.Authority
	Keys      *certs.KeyPool
	// Endpoint is the host:port DescribeEndpoint answers.
	Endpoint string
}

// Registry is the fleet registry. It is safe for concurrent use.
type Registry struct {
	store     store.Store
	clock     clock.Clock
	ids       ids.Generator
	region    string
	tokens    *pagetoken.Codec
	authority *certs.Authority
	keys      *certs.KeyPool
	endpoint  string
}

// New returns a registry.
func New(cfg Config) *Registry {
	return &Registry{
		store:     cfg.Store,
		clock:     cfg.Clock,
		ids:       cfg.IDs,
		region:    cfg.Region,
		tokens:    cfg.Tokens,
		authority: cfg.Authority,
		keys:      cfg.Keys,
		endpoint:  cfg.Endpoint,
	}
}

// arn returns the ARN of a resource of the account in this registry's region.
func (r *Registry) arn(account, resource string) string { return iot.ARN(r.region, account, resource) }

// update runs fn in one write transaction of the account.
func (r *Registry) update(ctx context.Context, account string, fn func(store.Tx) error) error {
	return r.store.Update(ctx, account, fn)
}

// view runs fn in one read transaction of the account.
func (r *Registry) view(ctx context.Context, account string, fn func(store.ReadTx) error) error {
	return r.store.View(ctx, account, fn)
}

// ListRequest is the paging part of every list operation.
type ListRequest struct {
	NextToken  string
	MaxResults int // 0: the operation's default
}

// page turns a list request into a store page for the listing named by scope.
func (r *Registry) page(account, scope string, req ListRequest, defaultMax int) (store.Page, error) {
	p := store.Page{Limit: req.MaxResults}
	if p.Limit <= 0 {
		p.Limit = defaultMax
	}
	if req.NextToken != "" {
		after, err := r.tokens.Open(account+"/"+scope, req.NextToken)
		if err != nil {
			return store.Page{}, err
		}
		p.After = after
	}
	return p, nil
}

// nextToken returns the token of the page after lastKey when the store said more
// items follow, or "" at the end of the listing.
func (r *Registry) nextToken(account, scope string, more bool, lastKey string) string {
	if !more {
		return ""
	}
	return r.tokens.Seal(account+"/"+scope, lastKey)
}

// notFound turns store.ErrNotFound into an AWS-style ResourceNotFound error.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return iot.Errorf(iot.NotFound, format, args...)
	}
	return err
}
