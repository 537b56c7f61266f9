package sqlite

import (
	"context"
	"database/sql"
	"iter"
	"strconv"
)

// auditQuery runs a query of the audit's scans, prepared once per connection,
// bound to ctx so that a canceled audit stops reading.
func (t *tx) auditQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return t.q.QueryContext(ctx, query, args...)
}

// The page cache of a connection is bounded while it runs one of the audit's
// large scans or writes an audit's findings. A scan reads most of its pages
// once, and findings are appended at the end of their indexes: the
// connections' usual cache, filled by each of the audit's transactions, would
// hold hundreds of megabytes of pages that are not read again.
const (
	scanCacheKiB    = 2048
	findingCacheKiB = 16384
)

// boundCache bounds the page cache of the transaction's connection to kib
// KiB, and returns what restores its size.
func (t *tx) boundCache(kib int) (restore func()) {
	var size int64
	if err := t.queryRow(`PRAGMA cache_size`).Scan(&size); err != nil || size == int64(-kib) {
		return func() {} // a scan in a scan, or the scan's own error follows
	}
	if _, err := t.exec(`PRAGMA cache_size = ` + strconv.Itoa(-kib)); err != nil {
		return func() {}
	}
	return func() { _, _ = t.exec(`PRAGMA cache_size = ` + strconv.FormatInt(size, 10)) }
}

// boundedScan streams the rows of one of the audit's large scans with the
// connection's page cache bounded to scanCacheKiB.
func boundedScan[T any](t *tx, rows iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		defer t.boundCache(scanCacheKiB)()
		rows(yield)
	}
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
