// Package sqlite is the default Store: SQLite through the pure-Go driver
// modernc.org/sqlite, in WAL mode, in one file of the data directory.
//
// Writes go through one connection (SQLite has one writer); reads use a pool of
// connections, each read transaction a snapshot. Durability: synchronous=NORMAL
// in WAL mode keeps every committed transaction across a crash or kill of the
// process; after a power loss or OS crash the last transactions before it may be
// missing (the database itself stays consistent). Options.Synchronous = "FULL"
// trades write throughput for durability across power loss.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/iotdefender/iotdefender/internal/store"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database file inside the data directory.
const FileName = "iotdefender.db"

// Options tune the store; the zero value is the default.
type Options struct {
	// Synchronous is SQLite's synchronous setting: "NORMAL" (default) or "FULL".
	Synchronous string
	// Readers is the size of the read connection pool (default: 2 × CPUs, min 4).
	Readers int
}

// Store is the SQLite store.
type Store struct {
	writer *sql.DB
	reader *sql.DB
	system *system
	// Prepared statements, by query text, one cache per pool: database/sql keeps
	// each one prepared on every connection it has run on, and a transaction
	// reuses the connection's copy, so a query is compiled once per connection.
	writerStmts, readerStmts stmtCache
	writes                   *writer
	// readers is the pool of pinned connections View reads on; closing is
	// closed by Close.
	readers chan *readConn
	closing chan struct{}

	// snapshotSlots bound the connections snapshots hold at once, so that
	// the pool keeps some for the account-independent queries however many
	// audits run; snapshotTurn lets one snapshot at a time take its slots.
	snapshotSlots chan struct{}
	snapshotTurn  chan struct{}

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database in dir and brings its schema up to
// date.
func Open(ctx context.Context, dir string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	if opt.Synchronous == "" {
		opt.Synchronous = "NORMAL"
	}
	if opt.Synchronous != "NORMAL" && opt.Synchronous != "FULL" {
		return nil, fmt.Errorf("sqlite: synchronous must be NORMAL or FULL, not %q", opt.Synchronous)
	}
	if opt.Readers <= 0 {
		opt.Readers = max(4, 2*runtime.NumCPU())
	}
	writer, err := sql.Open("sqlite", dsn(path, opt.Synchronous, false))
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	reader, err := sql.Open("sqlite", dsn(path, opt.Synchronous, true))
	if err != nil {
		writer.Close()
		return nil, err
	}
	// The pinned connections of View, and beside them as many for snapshots
	// (an audit reads on up to three) and the account-independent queries.
	reader.SetMaxOpenConns(2*opt.Readers + systemConns)
	reader.SetMaxIdleConns(2*opt.Readers + systemConns)
	reader.SetConnMaxLifetime(0)
	s := &Store{writer: writer, reader: reader, writes: newWriter(), readers: make(chan *readConn, opt.Readers), closing: make(chan struct{}),
		snapshotSlots: make(chan struct{}, opt.Readers), snapshotTurn: make(chan struct{}, 1)}
	s.system = &system{s: s}
	go s.writeLoop()
	if err := migrate(ctx, writer); err != nil {
		s.Close()
		return nil, err
	}
	for range opt.Readers {
		rc, err := s.newReadConn(ctx)
		if err != nil {
			s.Close()
			return nil, err
		}
		s.readers <- rc
	}
	if err := os.Chmod(path, 0o600); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func dsn(path, synchronous string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+synchronous+")")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "cache_size(-65536)") // 64 MiB page cache per connection
	q.Add("_pragma", "temp_store(MEMORY)") // savepoint journals and sorts in memory, not in temporary files
	if readOnly {
		q.Add("_pragma", "query_only(ON)")
	} else {
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close closes the database; later calls return what the first returned.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Store) close() error {
	s.closeWriter()
	// Wait, a while, for the reads under way: each pinned connection comes back.
	close(s.closing)
	deadline := time.After(10 * time.Second)
drain:
	for range cap(s.readers) {
		select {
		case rc := <-s.readers:
			rc.close()
		case <-deadline:
			break drain
		}
	}
	s.readerStmts.close()
	s.writerStmts.close()
	return errors.Join(s.reader.Close(), s.writer.Close())
}

// System returns the account-independent part of the store.
func (s *Store) System() store.System { return s.system }

// Snapshot runs fn with n read transactions on n connections, all at the same
// committed state.
//
// In WAL mode a read transaction sees the database as of its first read. The
// read transactions are begun, each with a first read, while this process holds
// a write transaction (BEGIN IMMEDIATE takes SQLite's one write lock, for every
// process sharing the file), so no commit can fall between two of those first
// reads. The write transaction writes nothing and is rolled back once the last
// reader has its snapshot; writers wait only that long.
//
// The n connections are taken before the write lock, one snapshot at a time:
// a snapshot that waited for connections while holding the lock would stop
// every write, and with them the snapshot (an audit) that holds the
// connections it waits for.
func (s *Store) Snapshot(ctx context.Context, account string, n int, fn func([]store.ReadTx) error) error {
	if n < 1 || n > cap(s.snapshotSlots) {
		return fmt.Errorf("sqlite: a snapshot takes 1 to %d transactions, not %d", cap(s.snapshotSlots), n)
	}
	conns, err := s.snapshotConnections(ctx, n)
	if err != nil {
		return fmt.Errorf("sqlite: begin snapshot: %w", err)
	}
	txs := make([]*tx, 0, n)
	defer func() {
		for _, t := range txs {
			_ = t.sqlTx.Rollback() // read-only: nothing to keep
			s.readerStmts.prepare(s.reader, t.unprepared)
		}
		s.releaseSnapshotConnections(conns)
	}()
	lock, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin snapshot: %w", err)
	}
	for _, c := range conns {
		sqlTx, err := c.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err == nil {
			var one int
			err = sqlTx.QueryRowContext(ctx, `SELECT 1 FROM accounts LIMIT 1`).Scan(&one)
			if errors.Is(err, sql.ErrNoRows) {
				err = nil
			}
			txs = append(txs, &tx{q: sqlTx, sqlTx: sqlTx, account: account, stmts: &s.readerStmts})
		}
		if err != nil {
			_ = lock.Rollback()
			return fmt.Errorf("sqlite: begin snapshot read: %w", err)
		}
	}
	if err := lock.Rollback(); err != nil {
		return fmt.Errorf("sqlite: end snapshot lock: %w", err)
	}
	readers := make([]store.ReadTx, n)
	for i, t := range txs {
		readers[i] = t
	}
	return fn(readers)
}

// systemConns are the connections of the reader pool that neither View nor
// snapshots take: the account-independent queries (access keys, accounts).
const systemConns = 2

// snapshotConnections takes n connections of the reader pool for a snapshot,
// all of them or none.
func (s *Store) snapshotConnections(ctx context.Context, n int) ([]*sql.Conn, error) {
	select {
	case s.snapshotTurn <- struct{}{}:
		defer func() { <-s.snapshotTurn }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	conns := make([]*sql.Conn, 0, n)
	for range n {
		select {
		case s.snapshotSlots <- struct{}{}:
		case <-ctx.Done():
			s.releaseSnapshotConnections(conns)
			return nil, ctx.Err()
		}
		c, err := s.reader.Conn(ctx)
		if err != nil {
			<-s.snapshotSlots
			s.releaseSnapshotConnections(conns)
			return nil, err
		}
		conns = append(conns, c)
	}
	return conns, nil
}

func (s *Store) releaseSnapshotConnections(conns []*sql.Conn) {
	for _, c := range conns {
		c.Close()
		<-s.snapshotSlots
	}
}

// tx is a transaction scoped to one account. Its methods live in the per-family
// files of this package.
type tx struct {
	// q runs the transaction's statements: sqlTx, or the pinned connection of
	// a View (rc) inside its BEGIN.
	q       querier
	account string
	sqlTx   *sql.Tx
	rc      *readConn
	// stmts are the pool's prepared statements a sqlTx rebinds; unprepared
	// the queries it ran before they were prepared.
	stmts      *stmtCache
	unprepared []string
}

// querier is what *sql.Tx and *sql.Conn share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Account returns the account the transaction is scoped to.
func (t *tx) Account() string { return t.account }

// notFound maps sql.ErrNoRows to store.ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}
