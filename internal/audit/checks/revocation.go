package checks

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

const reasonRevokedByIssuer = "CERTIFICATE_REVOKED_BY_ISSUER"

// maxUncheckedIssuers bounds the issuers a revocation check remembers for its
// message; past it, certificates are only counted.
const maxUncheckedIssuers = 100

// revocationStatus looks certificates up in the audit's verified CRLs and
// remembers those it could not check.
//
// A certificate is checked when a verified CRL of its issuer is available
// (uploaded, or fetched from a distribution point); it then counts as
// evaluated. One whose issuer's CRL is unavailable is not counted and not
// reported compliant silently [I]: the check's message says how many could not
// be checked, whose CRLs were missing, and which CRLs could not be obtained. A
// self-issued certificate (a root) has no other authority to revoke it: it is
// evaluated and never revoked.
type revocationStatus struct {
	s         *check.Scope
	unchecked int
	issuers   map[string]int // unchecked certificates by issuer
}

func newRevocationStatus(s *check.Scope) *revocationStatus {
	return &revocationStatus{s: s, issuers: map[string]int{}}
}

// revoked reports whether the issuer revoked the certificate; checked=false
// when its revocation status is unknown.
func (r *revocationStatus) revoked(f iot.X509Facts) (revoked, checked bool) {
	if check.SelfIssued(f) {
		r.s.Report.Evaluated(1)
		return false, true
	}
	revoked, known := r.s.Revocations.Lookup(f)
	if !known {
		r.unchecked++
		if _, ok := r.issuers[f.Issuer]; ok || len(r.issuers) < maxUncheckedIssuers {
			r.issuers[f.Issuer]++
		}
		return false, false
	}
	r.s.Report.Evaluated(1)
	return revoked, true
}

// end sets the check's message when something could not be checked.
func (r *revocationStatus) end(what string) error {
	var unchecked, unavailable string
	if r.unchecked > 0 {
		var counts []string
		for _, issuer := range slices.Sorted(maps.Keys(r.issuers)) {
			counts = append(counts, fmt.Sprintf("%q (%d)", issuer, r.issuers[issuer]))
		}
		unchecked = fmt.Sprintf("%d %s could not be checked for revocation: no verified CRL of their issuer is available: %s.",
			r.unchecked, what, strings.Join(counts, ", "))
	}
	if len(r.s.Revocations.Unavailable) > 0 {
		unavailable = "CRLs not obtained: " + strings.Join(r.s.Revocations.Unavailable, "; ") + "."
	}
	if unchecked != "" || unavailable != "" {
		r.s.Report.Message(message(unchecked, unavailable))
	}
	return nil
}

// revokedVisitor reports the certificates of rows of type R that their issuer
// revoked.
type revokedVisitor[R any] struct {
	status *revocationStatus
	what   string
	facts  func(R) (check.Resource, iot.X509Facts)
}

func (v revokedVisitor[R]) Visit(row R) error {
	resource, f := v.facts(row)
	if revoked, _ := v.status.revoked(f); revoked {
		v.status.s.Report.NonCompliant(check.Finding{Resource: resource, ReasonCode: reasonRevokedByIssuer,
			Reason: "Certificate is revoked by its issuer (serial " + f.SerialHex + " is on the CRL of " + f.Issuer + ") but still active."})
	}
	return nil
}

func (v revokedVisitor[R]) End() error { return v.status.end(v.what) }
