package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const auditSuppressionColumns = `check_name, resource_identifier, expiration, suppress_indefinitely, description, client_request_token`

func scanAuditSuppression(row interface{ Scan(...any) error }) (iot.AuditSuppression, error) {
	var s iot.AuditSuppression
	var identifier string
	var expiration int64
	if err := row.Scan(&s.CheckName, &identifier, &expiration, &s.Indefinitely, &s.Description, &s.ClientRequestToken); err != nil {
		return iot.AuditSuppression{}, err
	}
	s.Expiration = fromMillis(expiration)
	var err error
	s.Resource, err = decodeIdentifier(identifier)
	return s, err
}

func (t *tx) AuditSuppression(ctx context.Context, checkName, resourceKey string) (iot.AuditSuppression, error) {
	s, err := scanAuditSuppression(t.queryRow(`SELECT `+auditSuppressionColumns+` FROM audit_suppressions
		WHERE account_id = ? AND check_name = ? AND resource_key = ?`, t.account, checkName, resourceKey))
	return s, notFound(err)
}

func (t *tx) AuditSuppressionByToken(ctx context.Context, token string) (iot.AuditSuppression, error) {
	s, err := scanAuditSuppression(t.queryRow(`SELECT `+auditSuppressionColumns+` FROM audit_suppressions
		WHERE account_id = ? AND client_request_token = ? LIMIT 1`, t.account, token))
	return s, notFound(err)
}

func (t *tx) AuditSuppressions(ctx context.Context, f store.AuditSuppressionFilter, p store.Page) ([]iot.AuditSuppression, bool, error) {
	// The page continues after (or, descending, before) the last suppression's
	// (expiration order, check name, resource key).
	order, afterCheck, afterKey := int64(-1<<63), "", ""
	if f.Descending { // above every stored key
		order, afterCheck = 1<<63-1, "\U0010FFFF"
	}
	if p.After != "" {
		var rest string
		var err error
		if order, rest, err = store.SplitPageKey(p.After); err != nil {
			return nil, false, err
		}
		var ok bool
		if afterCheck, afterKey, ok = strings.Cut(rest, "\x00"); !ok {
			return nil, false, errMalformedKey(p.After)
		}
	}
	var rows *sql.Rows
	var err error
	const filter = `account_id = ?1 AND (?5 = '' OR check_name = ?5) AND (?6 = '' OR resource_key = ?6)`
	if f.Descending {
		rows, err = t.query(`SELECT `+auditSuppressionColumns+` FROM audit_suppressions
			WHERE `+filter+` AND (expiration_order, check_name, resource_key) < (?2, ?3, ?4)
			ORDER BY expiration_order DESC, check_name DESC, resource_key DESC LIMIT ?7`,
			t.account, order, afterCheck, afterKey, f.CheckName, f.ResourceKey, p.Limit+1)
	} else {
		rows, err = t.query(`SELECT `+auditSuppressionColumns+` FROM audit_suppressions
			WHERE `+filter+` AND (expiration_order, check_name, resource_key) > (?2, ?3, ?4)
			ORDER BY expiration_order, check_name, resource_key LIMIT ?7`,
			t.account, order, afterCheck, afterKey, f.CheckName, f.ResourceKey, p.Limit+1)
	}
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []iot.AuditSuppression
	for rows.Next() {
		s, err := scanAuditSuppression(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	out, more := trimPage(out, p.Limit)
	return out, more, nil
}

func (t *tx) CountAuditSuppressions(ctx context.Context) (int, error) {
	var n int
	err := t.queryRow(`SELECT COUNT(*) FROM audit_suppressions WHERE account_id = ?`, t.account).Scan(&n)
	return n, err
}

func (t *tx) PutAuditSuppression(ctx context.Context, s iot.AuditSuppression) error {
	identifier, err := encodeIdentifier(s.Resource)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO audit_suppressions (account_id, resource_key, expiration_order, `+auditSuppressionColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (account_id, check_name, resource_key) DO UPDATE SET resource_identifier = excluded.resource_identifier,
			expiration = excluded.expiration, suppress_indefinitely = excluded.suppress_indefinitely,
			expiration_order = excluded.expiration_order, description = excluded.description,
			client_request_token = excluded.client_request_token`,
		t.account, s.Resource.Key(), store.SuppressionExpirationOrder(s), s.CheckName, identifier, millis(s.Expiration),
		s.Indefinitely, s.Description, s.ClientRequestToken)
	return err
}

func (t *tx) DeleteAuditSuppression(ctx context.Context, checkName, resourceKey string) error {
	res, err := t.exec(`DELETE FROM audit_suppressions WHERE account_id = ? AND check_name = ? AND resource_key = ?`,
		t.account, checkName, resourceKey)
	return deleted(res, err)
}
