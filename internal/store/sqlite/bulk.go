package sqlite

import (
	"context"
	"errors"
	"fmt"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// bulkBatch is how many writes a Bulk commits at once: large enough that
// commits cost little, small enough that the statements of every batch after
// the first run prepared (a transaction prepares nothing until it ends).
const bulkBatch = 20000

// Bulk loads many rows into one account directly, bypassing the registry and
// its rules (ids, limits, signatures): for benchmarks and demonstration
// fleets. Writes are committed in large transactions; Close commits the last.
// A Bulk is for one goroutine; while a batch is open it holds the store's one
// write connection, so other writers wait for its commits.
type Bulk struct {
	s       *Store
	ctx     context.Context
	account string
	tx      *tx
	pending int
}

// Bulk starts a bulk load into account.
func (s *Store) Bulk(ctx context.Context, account string) *Bulk {
	return &Bulk{s: s, ctx: ctx, account: account}
}

// Write runs fn in the current transaction, as one write: any store.Tx method
// may be used (things, thing groups, attachments...).
func (b *Bulk) Write(fn func(store.Tx) error) error {
	if b.tx == nil {
		sqlTx, err := b.s.writer.BeginTx(b.ctx, nil)
		if err != nil {
			return fmt.Errorf("sqlite: bulk: begin: %w", err)
		}
		b.tx = &tx{q: sqlTx, sqlTx: sqlTx, account: b.account, stmts: &b.s.writerStmts}
	}
	if err := fn(b.tx); err != nil {
		b.abort()
		return err
	}
	if b.pending++; b.pending >= bulkBatch {
		return b.commit()
	}
	return nil
}

func (b *Bulk) commit() error {
	t := b.tx
	b.tx, b.pending = nil, 0
	err := t.sqlTx.Commit()
	b.s.writerStmts.prepare(b.s.writer, t.unprepared)
	if err != nil {
		return fmt.Errorf("sqlite: bulk: commit: %w", err)
	}
	return nil
}

func (b *Bulk) abort() {
	if b.tx != nil {
		_ = b.tx.sqlTx.Rollback()
		b.tx, b.pending = nil, 0
	}
}

// Close commits what was written since the last commit.
func (b *Bulk) Close() error {
	if b.tx == nil {
		return nil
	}
	return b.commit()
}

// CACertificate stores a CA certificate.
func (b *Bulk) CACertificate(c iot.CACertificate) error {
	return b.Write(func(t store.Tx) error { return created(t.CreateCACertificate(b.ctx, c)) })
}

// Certificate stores a device certificate and its chain.
func (b *Bulk) Certificate(c iot.Certificate, chain ...iot.ChainCertificate) error {
	return b.Write(func(t store.Tx) error { return created(t.CreateCertificate(b.ctx, c, chain)) })
}

// ThingPrincipal attaches a principal to a thing.
func (b *Bulk) ThingPrincipal(p iot.ThingPrincipal) error {
	return b.Write(func(t store.Tx) error { return t.PutThingPrincipal(b.ctx, p) })
}

// Policy stores a policy with its versions (their analysis as given).
func (b *Bulk) Policy(p iot.Policy, versions ...iot.PolicyVersion) error {
	return b.Write(func(t store.Tx) error {
		if err := t.PutPolicy(b.ctx, p); err != nil {
			return err
		}
		for _, v := range versions {
			if err := t.PutPolicyVersion(b.ctx, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// ConnectionEvents stores connection records.
func (b *Bulk) ConnectionEvents(events ...iot.ConnectionEvent) error {
	return b.Write(func(t store.Tx) error { return t.AddConnectionEvents(b.ctx, events) })
}

var errBulkExists = errors.New("sqlite: bulk: a row with that id exists")

func created(ok bool, err error) error {
	if err == nil && !ok {
		return errBulkExists
	}
	return err
}
