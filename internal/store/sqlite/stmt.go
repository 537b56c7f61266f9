package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache holds prepared statements by query text.
type stmtCache struct {
	m sync.Map // query -> *sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) (*sql.Stmt, error) {
	if s, ok := c.m.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := c.m.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}

func (c *stmtCache) close() {
	c.m.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
}

// stmt returns the transaction's handle on the prepared statement for query.
func (t *tx) stmt(query string) (*sql.Stmt, error) {
	s, err := t.stmts.get(context.Background(), t.db, query)
	if err != nil {
		return nil, err
	}
	return t.q.Stmt(s), nil
}

// queryRow runs a prepared single-row query in the transaction. Use it, query
// and exec for every statement of the store's hot paths.
func (t *tx) queryRow(query string, args ...any) *sql.Row {
	s, err := t.stmt(query)
	if err != nil {
		// sql.Row carries no constructor for an error; run the query unprepared so
		// the caller sees the same error from Scan.
		return t.q.QueryRow(query, args...)
	}
	return s.QueryRow(args...)
}

// query runs a prepared query in the transaction.
func (t *tx) query(query string, args ...any) (*sql.Rows, error) {
	s, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.Query(args...)
}

// exec runs a prepared statement in the transaction.
func (t *tx) exec(query string, args ...any) (sql.Result, error) {
	s, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.Exec(args...)
}
