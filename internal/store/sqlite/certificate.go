package sqlite

import (
	"context"
	"database/sql"
	"iter"
	"math"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// certificateColumns are read by scanCertificate, DER and chain aside.
const certificateColumns = `id, ca_certificate_id, status, mode, created_at, last_modified_at, customer_version, generation_id, ` + factColumns

const insertCertificate = `INSERT INTO certificates (account_id, ` + certificateColumns + `)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ` + factPlaceholders + `) ON CONFLICT DO NOTHING`

func (t *tx) CreateCertificate(_ context.Context, c iot.Certificate, chain []iot.ChainCertificate) (bool, error) {
	facts, err := factArgs(c.X509)
	if err != nil {
		return false, err
	}
	args := append([]any{t.account, c.ID, certNullable(c.CAID), string(c.Status), string(c.Mode),
		c.CreatedAt.UnixMilli(), c.LastModifiedAt.UnixMilli(), c.CustomerVersion, c.GenerationID}, facts...)
	res, err := t.exec(insertCertificate, args...)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	if _, err := t.exec(`INSERT INTO certificate_ders (account_id, id, der) VALUES (?, ?, ?)`, t.account, c.ID, c.DER); err != nil {
		return false, err
	}
	for i, cc := range chain {
		if err := t.putChainCertificate(cc); err != nil {
			return false, err
		}
		if _, err := t.exec(`INSERT INTO certificate_chain_links (account_id, certificate_id, position, chain_certificate_id) VALUES (?, ?, ?, ?)`,
			t.account, c.ID, i, cc.ID); err != nil {
			return false, err
		}
	}
	return true, nil
}

func (t *tx) putChainCertificate(cc iot.ChainCertificate) error {
	facts, err := factArgs(cc.X509)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO chain_certificates (account_id, id, der, `+factColumns+`)
		VALUES (?, ?, ?, `+factPlaceholders+`) ON CONFLICT DO NOTHING`, append([]any{t.account, cc.ID, cc.DER}, facts...)...)
	return err
}

func (t *tx) UpdateCertificate(_ context.Context, c iot.Certificate) error {
	res, err := t.exec(`UPDATE certificates SET status = ?, last_modified_at = ?, customer_version = ?, generation_id = ?
		WHERE account_id = ? AND id = ?`,
		string(c.Status), c.LastModifiedAt.UnixMilli(), c.CustomerVersion, c.GenerationID, t.account, c.ID)
	return affected(res, err)
}

func (t *tx) DeleteCertificate(ctx context.Context, id string) error {
	chain, err := t.chainIDs(ctx, id)
	if err != nil {
		return err
	}
	// The DER and the chain links go with the row (ON DELETE CASCADE).
	res, err := t.exec(`DELETE FROM certificates WHERE account_id = ? AND id = ?`, t.account, id)
	if err := affected(res, err); err != nil {
		return err
	}
	for _, cid := range chain {
		if _, err := t.exec(`DELETE FROM chain_certificates WHERE account_id = ? AND id = ?
			AND NOT EXISTS (SELECT 1 FROM certificate_chain_links WHERE account_id = ? AND chain_certificate_id = ?)`,
			t.account, cid, t.account, cid); err != nil {
			return err
		}
	}
	return nil
}

func (t *tx) Certificate(ctx context.Context, id string) (iot.Certificate, error) {
	var der []byte
	c, err := scanCertificate(t.queryRow(`SELECT `+certificateColumns+`, d.der FROM certificates
		JOIN certificate_ders d USING (account_id, id) WHERE account_id = ? AND id = ?`, t.account, id), &der)
	if err != nil {
		return iot.Certificate{}, notFound(err)
	}
	c.DER = der
	if c.Chain, err = t.chainIDs(ctx, id); err != nil {
		return iot.Certificate{}, err
	}
	return c, nil
}

func (t *tx) chainIDs(ctx context.Context, id string) ([]string, error) {
	return auditCollect(ctx, t, scanString, `SELECT chain_certificate_id FROM certificate_chain_links
		WHERE account_id = ? AND certificate_id = ? ORDER BY position`, t.account, id)
}

func (t *tx) CertificateChain(ctx context.Context, id string) ([]iot.ChainCertificate, error) {
	return auditCollect(ctx, t, scanChainCertificate, `SELECT c.id, c.der, `+certQualified("c", factColumns)+` FROM certificate_chain_links l
		JOIN chain_certificates c ON c.account_id = l.account_id AND c.id = l.chain_certificate_id
		WHERE l.account_id = ? AND l.certificate_id = ? ORDER BY l.position`, t.account, id)
}

func scanChainCertificate(rows *sql.Rows) (iot.ChainCertificate, error) {
	var cc iot.ChainCertificate
	var fr factRow
	if err := rows.Scan(append([]any{&cc.ID, &cc.DER}, fr.dest()...)...); err != nil {
		return cc, err
	}
	var err error
	cc.X509, err = fr.result()
	return cc, err
}

// Listing queries by order and filter; each uses one of the creation-time
// indexes, and paging is a row-value comparison on (created_at, id).
var certificateListQueries = map[[2]bool]string{
	{true, false}:  `SELECT ` + certificateColumns + ` FROM certificates WHERE account_id = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
	{false, false}: `SELECT ` + certificateColumns + ` FROM certificates WHERE account_id = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
	{true, true}:   `SELECT ` + certificateColumns + ` FROM certificates WHERE account_id = ? AND ca_certificate_id = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
	{false, true}:  `SELECT ` + certificateColumns + ` FROM certificates WHERE account_id = ? AND ca_certificate_id = ? AND (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
}

func (t *tx) Certificates(ctx context.Context, l store.CertificateListing) ([]iot.Certificate, bool, error) {
	after, afterID, err := creationCursor(l.Page.After, l.Ascending)
	if err != nil {
		return nil, false, err
	}
	args := []any{t.account}
	if l.CAID != "" {
		args = append(args, l.CAID)
	}
	args = append(args, after, afterID, l.Page.Limit+1)
	certs, err := auditCollect(ctx, t, scanCertificateRow, certificateListQueries[[2]bool{l.Ascending, l.CAID != ""}], args...)
	if err != nil {
		return nil, false, err
	}
	certs, more := trimPage(certs, l.Page.Limit)
	return certs, more, nil
}

func (t *tx) CertificatesByStatus(ctx context.Context, statuses ...iot.CertificateStatus) iter.Seq2[iot.Certificate, error] {
	args := []any{t.account}
	for _, s := range statuses {
		args = append(args, string(s))
	}
	return auditScan(ctx, t, scanCertificateRow, `SELECT `+certificateColumns+` FROM certificates
		WHERE account_id = ? AND status IN (`+certPlaceholders(len(statuses))+`)`, args...)
}

// creationCursor returns the (created_at, id) a listing page starts after: the
// key of the previous page's last item, or for a first page a bound before
// every row in the listing's direction.
func creationCursor(after string, ascending bool) (int64, string, error) {
	if after == "" {
		if ascending {
			return math.MinInt64, "", nil
		}
		return math.MaxInt64, "", nil
	}
	return store.ParseCreationKey(after)
}

type certRowScanner interface{ Scan(dest ...any) error }

func scanCertificateRow(rows *sql.Rows) (iot.Certificate, error) { return scanCertificate(rows) }

// scanCertificate reads certificateColumns, then extra.
func scanCertificate(row certRowScanner, extra ...any) (iot.Certificate, error) {
	var c iot.Certificate
	var caID sql.NullString
	var status, mode string
	var created, modified int64
	var fr factRow
	dest := append([]any{&c.ID, &caID, &status, &mode, &created, &modified, &c.CustomerVersion, &c.GenerationID}, fr.dest()...)
	if err := row.Scan(append(dest, extra...)...); err != nil {
		return iot.Certificate{}, err
	}
	c.CAID = caID.String
	c.Status = iot.CertificateStatus(status)
	c.Mode = iot.CertificateMode(mode)
	c.CreatedAt = certTime(created)
	c.LastModifiedAt = certTime(modified)
	var err error
	c.X509, err = fr.result()
	return c, err
}

// certQualified qualifies each of a comma-separated list of columns with a
// table alias.
func certQualified(alias, columns string) string {
	cols := strings.Split(columns, ",")
	for i, c := range cols {
		cols[i] = alias + "." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}
