package sqlite

import (
	"context"
	"database/sql"
	"iter"
)

// auditQuery runs a query of the audit's scans, prepared once per connection,
// bound to ctx so that a canceled audit stops reading.
func (t *tx) auditQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.q.QueryContext(ctx, query, args...)
}

// auditScan streams the rows of a query, each read by scan.
func auditScan[T any](ctx context.Context, t *tx, scan func(*sql.Rows) (T, error), query string, args ...any) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		rows, err := t.auditQuery(ctx, query, args...)
		if err != nil {
			yield(zero, err)
			return
		}
		defer rows.Close()
		for rows.Next() {
			v, err := scan(rows)
			if !yield(v, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(zero, err)
		}
	}
}

// auditCollect reads every row of a query.
func auditCollect[T any](ctx context.Context, t *tx, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	var out []T
	for v, err := range auditScan(ctx, t, scan, query, args...) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
