package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/iotdefender/iotdefender/internal/store"
)

func (t *tx) PutUploadedCRL(_ context.Context, c store.UploadedCRL) error {
	// The old CRL's serials go with its row (ON DELETE CASCADE).
	if _, err := t.exec(`DELETE FROM uploaded_crls WHERE account_id = ? AND issuer = ? AND authority_key_id = ?`,
		t.account, c.Issuer, c.AuthorityKeyID); err != nil {
		return err
	}
	var next any
	if !c.NextUpdate.IsZero() {
		next = c.NextUpdate.UnixMilli()
	}
	if _, err := t.exec(`INSERT INTO uploaded_crls (account_id, issuer, authority_key_id, issuer_certificate_id,
		this_update, next_update, number, der, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.account, c.Issuer, c.AuthorityKeyID, c.IssuerCertificateID, c.ThisUpdate.UnixMilli(), next,
		c.Number, c.DER, c.UploadedAt.UnixMilli()); err != nil {
		return err
	}
	for _, serial := range c.Serials {
		if _, err := t.exec(`INSERT OR IGNORE INTO uploaded_crl_serials (account_id, issuer, authority_key_id, serial_hex)
			VALUES (?, ?, ?, ?)`, t.account, c.Issuer, c.AuthorityKeyID, serial); err != nil {
			return err
		}
	}
	return nil
}

const uploadedCRLColumns = `issuer, authority_key_id, issuer_certificate_id, this_update, next_update, number, uploaded_at`

func (t *tx) UploadedCRL(_ context.Context, issuer, authorityKeyID string) (store.UploadedCRL, error) {
	var der []byte
	c, err := scanUploadedCRL(t.queryRow(`SELECT `+uploadedCRLColumns+`, der FROM uploaded_crls
		WHERE account_id = ? AND issuer = ? AND authority_key_id = ?`, t.account, issuer, authorityKeyID), &der)
	if err != nil {
		return store.UploadedCRL{}, notFound(err)
	}
	c.DER = der
	return c, nil
}

func (t *tx) UploadedCRLs(ctx context.Context) ([]store.UploadedCRL, error) {
	crls, err := auditCollect(ctx, t, func(rows *sql.Rows) (store.UploadedCRL, error) { return scanUploadedCRL(rows) },
		`SELECT `+uploadedCRLColumns+` FROM uploaded_crls WHERE account_id = ? ORDER BY issuer, authority_key_id`, t.account)
	if err != nil {
		return nil, err
	}
	for i := range crls {
		crls[i].Serials, err = auditCollect(ctx, t, scanString, `SELECT serial_hex FROM uploaded_crl_serials
			WHERE account_id = ? AND issuer = ? AND authority_key_id = ? ORDER BY serial_hex`,
			t.account, crls[i].Issuer, crls[i].AuthorityKeyID)
		if err != nil {
			return nil, err
		}
	}
	return crls, nil
}

func scanUploadedCRL(row interface{ Scan(...any) error }, extra ...any) (store.UploadedCRL, error) {
	var c store.UploadedCRL
	var this, uploaded int64
	var next sql.NullInt64
	dest := []any{&c.Issuer, &c.AuthorityKeyID, &c.IssuerCertificateID, &this, &next, &c.Number, &uploaded}
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return store.UploadedCRL{}, err
	}
	c.ThisUpdate = time.UnixMilli(this).UTC()
	if next.Valid {
		c.NextUpdate = time.UnixMilli(next.Int64).UTC()
	}
	c.UploadedAt = time.UnixMilli(uploaded).UTC()
	return c, nil
}
