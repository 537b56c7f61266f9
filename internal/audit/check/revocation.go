package check

import (
	"slices"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// RevocationList is one issuer's CRL whose signature was verified against the
// issuer's certificate.
type RevocationList struct {
	// Issuer is the CRL's issuer in RFC 2253 form; AuthorityKeyID its key
	// identifier in hex, "" when the CRL names none.
	Issuer, AuthorityKeyID string
	ThisUpdate             time.Time
	// IsRevoked reports whether a serial (certs.SerialHex form) is listed.
	IsRevoked func(serialHex string) bool
}

// Revocations are the verified CRLs an audit has, at most one per issuer and
// key (the newest), and what it could not obtain.
type Revocations struct {
	byIssuer map[string][]RevocationList
	// Unavailable says, one line each and sorted, which CRLs the audit could
	// not obtain or could not use, and why.
	Unavailable []string
}

// NewRevocations indexes lists by issuer, keeping the newest (by thisUpdate)
// of each issuer and key.
func NewRevocations(lists []RevocationList, unavailable []string) *Revocations {
	r := &Revocations{byIssuer: map[string][]RevocationList{}, Unavailable: slices.Sorted(slices.Values(unavailable))}
	for _, l := range lists {
		same := r.byIssuer[l.Issuer]
		i := slices.IndexFunc(same, func(o RevocationList) bool { return o.AuthorityKeyID == l.AuthorityKeyID })
		switch {
		case i < 0:
			r.byIssuer[l.Issuer] = append(same, l)
		case l.ThisUpdate.After(same[i].ThisUpdate):
			same[i] = l
		}
	}
	return r
}

// Lookup reports whether the issuer of the certificate with facts f has revoked
// it. known=false when no verified CRL of that issuer is available. A CRL
// belongs to the certificate's issuer when it names the same issuer and, when
// both carry one, the same authority key identifier.
func (r *Revocations) Lookup(f iot.X509Facts) (revoked, known bool) {
	for _, l := range r.byIssuer[f.Issuer] {
		if l.AuthorityKeyID != "" && f.AuthorityKeyID != "" && l.AuthorityKeyID != f.AuthorityKeyID {
			continue
		}
		known = true
		if l.IsRevoked(f.SerialHex) {
			return true, true
		}
	}
	return false, known
}

// SelfIssued reports whether a certificate names itself as its issuer (a root
// CA): no CRL of another authority can revoke it.
func SelfIssued(f iot.X509Facts) bool {
	return f.Issuer == f.Subject && (f.AuthorityKeyID == "" || f.AuthorityKeyID == f.SubjectKeyID)
}
