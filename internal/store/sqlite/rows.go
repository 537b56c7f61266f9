package sqlite

import (
	"database/sql"

	"github.com/iotdefender/iotdefender/internal/store"
)

// Helpers the families' statements share.

// rowScanner is the part of *sql.Rows the scan helpers of this family use.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
}

// trimPage cuts a listing fetched with Limit+1 rows to its page and says
// whether more rows follow.
func trimPage[T any](items []T, limit int) ([]T, bool) {
	if len(items) > limit {
		return items[:limit], true
	}
	return items, false
}

// affected maps an UPDATE or DELETE that matched no row to store.ErrNotFound.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
