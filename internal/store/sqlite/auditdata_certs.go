package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"iter"
	"slices"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The audit's reads of the certificate family's tables.

func (t *tx) IssuerCertificates(ctx context.Context, subject string) ([]store.IssuerCertificate, error) {
	return auditCollect(ctx, t, scanIssuerWithDER, `
		SELECT id, 1, der, `+factColumns+` FROM ca_certificates WHERE account_id = ? AND subject = ?
		UNION ALL
		SELECT id, 0, der, `+factColumns+` FROM chain_certificates WHERE account_id = ? AND subject = ?
		ORDER BY 2 DESC, 1`, t.account, subject, t.account, subject)
}

func (t *tx) IntermediateCertificates(ctx context.Context) ([]store.IssuerCertificate, error) {
	return auditCollect(ctx, t, scanIssuer, `
		SELECT id, 1, `+factColumns+` FROM ca_certificates WHERE account_id = ? AND issuer <> subject
		UNION ALL
		SELECT id, 0, `+factColumns+` FROM chain_certificates WHERE account_id = ?
		ORDER BY 2 DESC, 1`, t.account, t.account)
}

func scanIssuer(rows *sql.Rows) (store.IssuerCertificate, error) {
	var c store.IssuerCertificate
	var fr factRow
	if err := rows.Scan(append([]any{&c.ID, &c.Registered}, fr.dest()...)...); err != nil {
		return c, err
	}
	var err error
	c.X509, err = fr.result()
	return c, err
}

func scanIssuerWithDER(rows *sql.Rows) (store.IssuerCertificate, error) {
	var c store.IssuerCertificate
	var fr factRow
	if err := rows.Scan(append([]any{&c.ID, &c.Registered, &c.DER}, fr.dest()...)...); err != nil {
		return c, err
	}
	var err error
	c.X509, err = fr.result()
	return c, err
}

// ActiveCertificatesThrough reads the certificates of one CA from the index by
// CA, or those of one chain certificate from its links: left to itself, the
// planner prefers walking every certificate in id order to sorting a few.
func (t *tx) ActiveCertificatesThrough(ctx context.Context, issuer store.IssuerCertificate) iter.Seq2[string, error] {
	if issuer.Registered {
		return boundedScan(t, auditScan(ctx, t, scanString, `SELECT id FROM certificates INDEXED BY certificates_ca
			WHERE account_id = ? AND ca_certificate_id = ? AND status IN ('ACTIVE', 'PENDING_TRANSFER') ORDER BY id`,
			t.account, issuer.ID))
	}
	return boundedScan(t, auditScan(ctx, t, scanString, `SELECT c.id FROM certificate_chain_links l
		CROSS JOIN certificates c ON c.account_id = l.account_id AND c.id = l.certificate_id
		WHERE l.account_id = ? AND l.chain_certificate_id = ? AND c.status IN ('ACTIVE', 'PENDING_TRANSFER')
		ORDER BY c.id`, t.account, issuer.ID))
}

func scanString(rows *sql.Rows) (string, error) {
	var s string
	err := rows.Scan(&s)
	return s, err
}

// auditCertificateColumns are the columns of the audit's certificate scan: a
// narrow row is what makes a scan of a million certificates fast. The status
// comes as a number: a string column costs the scan of every row.
const auditCertificateColumns = `id, status = 'ACTIVE', created_at, not_before, not_after,
	issuer, subject, serial_hex, authority_key_id, subject_key_id, roca_vulnerable, weak_key_fingerprint`

// AuditCertificates splits the certificates by ranges of ids (hex SHA-256
// digests, evenly spread): each part reads its range of the table, which is
// clustered by account and id.
func (t *tx) AuditCertificates(ctx context.Context, part, parts int) iter.Seq2[iot.Certificate, error] {
	from, to := idBound(part, parts), idBound(part+1, parts)
	return boundedScan(t, auditScan(ctx, t, auditCertificateScanner(), `SELECT `+auditCertificateColumns+` FROM certificates
		WHERE account_id = ? AND id >= ? AND id < ? AND status IN ('ACTIVE', 'PENDING_TRANSFER')`, t.account, from, to))
}

// idBound is where part i of n of the id space begins: a two-digit hex prefix,
// "" for the first part and "~" (after every hex digit) past the last.
func idBound(i, n int) string {
	switch {
	case i <= 0:
		return ""
	case i >= n:
		return "~"
	}
	return fmt.Sprintf("%02x", 256*i/n)
}

// auditCertificateScanner returns what reads the rows of one certificate
// scan into one variable, so that a row costs no allocation but its strings.
func auditCertificateScanner() func(*sql.Rows) (iot.Certificate, error) {
	var c iot.Certificate
	var active bool
	var created, notBefore, notAfter int64
	f := &c.X509
	dest := []any{&c.ID, &active, &created, &notBefore, &notAfter,
		&f.Issuer, &f.Subject, &f.SerialHex, &f.AuthorityKeyID, &f.SubjectKeyID, &f.ROCAVulnerable, &f.WeakKeyFingerprint}
	return func(rows *sql.Rows) (iot.Certificate, error) {
		err := rows.Scan(dest...)
		c.Status = iot.CertificatePendingTransfer
		if active {
			c.Status = iot.CertificateActive
		}
		c.CreatedAt, f.NotBefore, f.NotAfter = certTime(created), certTime(notBefore), certTime(notAfter)
		return c, err
	}
}

func (t *tx) ActiveCACertificates(ctx context.Context) iter.Seq2[iot.CACertificate, error] {
	return auditScan(ctx, t, func(rows *sql.Rows) (iot.CACertificate, error) { return scanCA(rows) },
		`SELECT `+caColumns+` FROM ca_certificates WHERE account_id = ? AND status = 'ACTIVE'`, t.account)
}

// distributionPointQueries read the distinct JSON arrays of distribution
// points of each source; the device certificates' from an index.
var distributionPointQueries = []struct {
	selected func(store.DistributionPointSources) bool
	query    string
}{
	{func(s store.DistributionPointSources) bool { return s.DeviceCertificates },
		`SELECT DISTINCT crl_distribution_points FROM certificates
		WHERE account_id = ? AND crl_distribution_points <> '[]' AND status IN ('ACTIVE', 'PENDING_TRANSFER')`},
	{func(s store.DistributionPointSources) bool { return s.CACertificates },
		`SELECT DISTINCT crl_distribution_points FROM ca_certificates WHERE account_id = ? AND crl_distribution_points <> '[]'`},
	{func(s store.DistributionPointSources) bool { return s.ChainCertificates },
		`SELECT DISTINCT crl_distribution_points FROM chain_certificates WHERE account_id = ? AND crl_distribution_points <> '[]'`},
}

func (t *tx) CRLDistributionPoints(ctx context.Context, from store.DistributionPointSources) ([]string, error) {
	var points []string
	for _, q := range distributionPointQueries {
		if !q.selected(from) {
			continue
		}
		for list, err := range boundedScan(t, auditScan(ctx, t, scanString, q.query, t.account)) {
			if err != nil {
				return nil, err
			}
			var urls []string
			if err := json.Unmarshal([]byte(list), &urls); err != nil {
				return nil, fmt.Errorf("sqlite: crl_distribution_points: %w", err)
			}
			points = append(points, urls...)
		}
	}
	slices.Sort(points)
	return slices.Compact(points), nil
}
