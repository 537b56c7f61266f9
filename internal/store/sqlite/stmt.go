package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache holds prepared statements by query text. database/sql keeps a
// statement prepared on every connection it has run on, and a transaction reuses
// its connection's copy, so a query is compiled once per connection.
//
// A statement is never prepared on the pool from inside a transaction: that
// waits for a free connection, and the writer pool has only the one the
// transaction holds. A transaction that meets a new query runs it unprepared and
// notes it; the query is prepared once the transaction has ended.
type stmtCache struct {
	m sync.Map // query -> *sql.Stmt
}

func (c *stmtCache) lookup(query string) *sql.Stmt {
	if s, ok := c.m.Load(query); ok {
		return s.(*sql.Stmt)
	}
	return nil
}

// prepare prepares the queries a finished transaction met for the first time.
func (c *stmtCache) prepare(db *sql.DB, queries []string) {
	for _, q := range queries {
		if c.lookup(q) != nil {
			continue
		}
		s, err := db.PrepareContext(context.Background(), q)
		if err != nil {
			continue // the query's own error surfaces where it runs
		}
		if _, loaded := c.m.LoadOrStore(q, s); loaded {
			s.Close()
		}
	}
}

func (c *stmtCache) close() {
	c.m.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
}

// stmt returns the transaction's handle on the prepared statement for query, or
// nil when it is not prepared yet.
func (t *tx) stmt(query string) *sql.Stmt {
	if t.rc != nil {
		return t.rc.stmt(query)
	}
	if s := t.stmts.lookup(query); s != nil {
		return t.sqlTx.Stmt(s)
	}
	t.unprepared = append(t.unprepared, query)
	return nil
}

// queryRow runs a single-row query in the transaction, prepared once per
// connection. Use queryRow, query and exec for every statement of the store.
func (t *tx) queryRow(query string, args ...any) *sql.Row {
	if s := t.stmt(query); s != nil {
		return s.QueryRow(args...)
	}
	return t.q.QueryRowContext(context.Background(), query, args...)
}

// query runs a query in the transaction, prepared once per connection.
func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(query); s != nil {
		return s.Query(args...)
	}
	return t.q.QueryContext(context.Background(), query, args...)
}

// exec runs a statement in the transaction, prepared once per connection.
func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	if s := t.stmt(query); s != nil {
		return s.Exec(args...)
	}
	return t.q.ExecContext(context.Background(), query, args...)
}
