package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/iotdefender/iotdefender/internal/store"
)

// A read transaction of View runs on a pinned connection of the readers pool,
// which keeps its own prepared statements — BEGIN and ROLLBACK among them — so
// that a point read costs one BEGIN, one statement and one ROLLBACK, none of
// them compiled again. (database/sql's transactions compile BEGIN and ROLLBACK
// on every call and rebind each prepared statement to the transaction.)
// Snapshots and the account-independent queries use database/sql's own pool.
type readConn struct {
	conn            *sql.Conn
	stmts           map[string]*sql.Stmt
	begin, rollback *sql.Stmt
}

func (s *Store) newReadConn(ctx context.Context) (*readConn, error) {
	conn, err := s.reader.Conn(ctx)
	if err != nil {
		return nil, err
	}
	rc := &readConn{conn: conn, stmts: map[string]*sql.Stmt{}}
	if rc.begin, err = conn.PrepareContext(ctx, "BEGIN"); err == nil {
		rc.rollback, err = conn.PrepareContext(ctx, "ROLLBACK")
	}
	if err != nil {
		rc.close()
		return nil, err
	}
	return rc, nil
}

// stmt returns query prepared on this connection, or nil when it does not
// prepare (the caller then runs it unprepared and meets its error).
func (rc *readConn) stmt(query string) *sql.Stmt {
	if s, ok := rc.stmts[query]; ok {
		return s
	}
	s, err := rc.conn.PrepareContext(context.Background(), query)
	if err != nil {
		return nil
	}
	rc.stmts[query] = s
	return s
}

func (rc *readConn) close() {
	for _, s := range rc.stmts {
		s.Close()
	}
	for _, s := range []*sql.Stmt{rc.begin, rc.rollback} {
		if s != nil {
			s.Close()
		}
	}
	rc.conn.Close()
}

// View runs fn in one read-only snapshot scoped to account.
func (s *Store) View(ctx context.Context, account string, fn func(store.ReadTx) error) error {
	var rc *readConn
	select {
	case rc = <-s.readers:
	case <-s.closing:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	if _, err := rc.begin.ExecContext(ctx); err != nil {
		s.returnReader(rc, true)
		return fmt.Errorf("sqlite: begin read: %w", err)
	}
	err := fn(&tx{q: rc.conn, account: account, rc: rc})
	_, rbErr := rc.rollback.ExecContext(context.Background()) // read-only: nothing to keep
	s.returnReader(rc, rbErr != nil)
	return err
}

// returnReader puts a connection back in the pool, replacing it with a new one
// when it may still be inside a transaction.
func (s *Store) returnReader(rc *readConn, broken bool) {
	if broken {
		rc.close()
		fresh, err := s.newReadConn(context.Background())
		if err != nil {
			// The pool shrinks by one; the next View waits for the others.
			return
		}
		rc = fresh
	}
	s.readers <- rc
}
