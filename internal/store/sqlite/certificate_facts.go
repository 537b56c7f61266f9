package sqlite

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// factColumns are the columns of iot.X509Facts, in the order of factArgs and
// factRow.dest; every certificate table has them.
const factColumns = `not_before, not_after, key_algorithm, key_bits, issuer, subject, serial_hex,
	authority_key_id, subject_key_id, crl_distribution_points, roca_vulnerable, weak_key_fingerprint`

const factPlaceholders = `?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`

// factArgs returns the values of factColumns for f.
func factArgs(f iot.X509Facts) ([]any, error) {
	dps := f.CRLDistributionPoints
	if dps == nil {
		dps = []string{}
	}
	dpsJSON, err := json.Marshal(dps)
	if err != nil {
		return nil, err
	}
	return []any{
		f.NotBefore.UnixMilli(), f.NotAfter.UnixMilli(), f.KeyAlgorithm, f.KeyBits, f.Issuer, f.Subject, f.SerialHex,
		f.AuthorityKeyID, f.SubjectKeyID, string(dpsJSON), f.ROCAVulnerable, f.WeakKeyFingerprint,
	}, nil
}

// factRow receives factColumns from a row.
type factRow struct {
	notBefore, notAfter int64
	facts               iot.X509Facts
	dps                 string
}

func (r *factRow) dest() []any {
	f := &r.facts
	return []any{
		&r.notBefore, &r.notAfter, &f.KeyAlgorithm, &f.KeyBits, &f.Issuer, &f.Subject, &f.SerialHex,
		&f.AuthorityKeyID, &f.SubjectKeyID, &r.dps, &f.ROCAVulnerable, &f.WeakKeyFingerprint,
	}
}

// result returns the facts read by dest.
func (r *factRow) result() (iot.X509Facts, error) {
	f := r.facts
	f.NotBefore = certTime(r.notBefore)
	f.NotAfter = certTime(r.notAfter)
	if r.dps != "[]" {
		if err := json.Unmarshal([]byte(r.dps), &f.CRLDistributionPoints); err != nil {
			return iot.X509Facts{}, fmt.Errorf("sqlite: crl_distribution_points: %w", err)
		}
	}
	return f, nil
}

func certTime(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// certNullable stores "" as NULL.
func certNullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// certPlaceholders returns "?, ?, ..." with n marks.
func certPlaceholders(n int) string {
	if n == 0 {
		return ""
	}
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}
