package sqlite

import (
	"context"
	"database/sql"
	"iter"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

const connectionEventColumns = `principal, timestamp, client_id, session_id, event_type, ip_address, disconnect_reason, version_number`

const insertConnectionEvent = `INSERT OR IGNORE INTO connection_events (account_id, ` + connectionEventColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

func (t *tx) AddConnectionEvents(_ context.Context, events []iot.ConnectionEvent) error {
	for _, e := range events {
		if _, err := t.exec(insertConnectionEvent, connectionEventArgs(t.account, e)...); err != nil {
			return err
		}
	}
	return nil
}

func connectionEventArgs(account string, e iot.ConnectionEvent) []any {
	return []any{account, e.Principal, e.Timestamp.UnixMilli(), e.ClientID, e.SessionID, string(e.Type),
		e.IPAddress, e.DisconnectReason, e.VersionNumber}
}

// auditEventColumns are what the audit reads of a connection record: the
// shorter the row, the faster a scan of millions of them.
const auditEventColumns = `principal, timestamp, client_id, session_id, event_type`

func (t *tx) ConnectionEventsByPrincipal(ctx context.Context, from, to time.Time) iter.Seq2[iot.ConnectionEvent, error] {
	return boundedScan(t, auditScan(ctx, t, scanAuditEvent(""), `SELECT `+auditEventColumns+` FROM connection_events
		WHERE account_id = ? AND timestamp >= ? AND timestamp < ?
		ORDER BY principal, timestamp, client_id, session_id, event_type`,
		t.account, from.UnixMilli(), to.UnixMilli()))
}

func (t *tx) TakeoversByClientID(ctx context.Context, from, to time.Time) iter.Seq2[iot.ConnectionEvent, error] {
	return boundedScan(t, auditScan(ctx, t, scanAuditEvent(duplicateClientID), `SELECT `+auditEventColumns+` FROM connection_events
		WHERE account_id = ? AND disconnect_reason = '`+duplicateClientID+`' AND timestamp >= ? AND timestamp < ?
		ORDER BY client_id, timestamp`,
		t.account, from.UnixMilli(), to.UnixMilli()))
}

const duplicateClientID = "DUPLICATE_CLIENTID"

func (t *tx) CountClientIDs(ctx context.Context, from, to time.Time) (int64, error) {
	var n int64
	defer t.boundCache(scanCacheKiB)()
	// Grouping walks the client-id index in order; COUNT(DISTINCT) would sort.
	err := t.queryRow(`SELECT COUNT(*) FROM (SELECT client_id FROM connection_events INDEXED BY connection_events_client
		WHERE account_id = ? AND timestamp >= ? AND timestamp < ? GROUP BY client_id)`,
		t.account, from.UnixMilli(), to.UnixMilli()).Scan(&n)
	return n, err
}

// scanAuditEvent returns what reads the auditEventColumns of the records of
// one scan, whose disconnect reason the query selected, into one variable: a
// row costs no allocation but its strings.
func scanAuditEvent(reason string) func(rows *sql.Rows) (iot.ConnectionEvent, error) {
	var e iot.ConnectionEvent
	var ts int64
	var typ string
	dest := []any{&e.Principal, &ts, &e.ClientID, &e.SessionID, &typ}
	return func(rows *sql.Rows) (iot.ConnectionEvent, error) {
		err := rows.Scan(dest...)
		e.Timestamp = time.UnixMilli(ts).UTC()
		e.Type = iot.ConnectionEventType(typ)
		e.DisconnectReason = reason
		return e, err
	}
}
