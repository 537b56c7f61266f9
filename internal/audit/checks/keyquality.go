package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Reason codes of the two key-quality checks.
const (
	reasonROCA         = "CERTIFICATE_KEY_VULNERABILITY_CVE-2017-15361"
	reasonDebianWeak   = "CERTIFICATE_KEY_VULNERABILITY_CVE-2008-0166"
	noBlocklistMessage = "CVE-2008-0166 (Debian's predictable OpenSSL keys) was not checked: iotdefender was started without a weak-key blocklist (serve --weak-key-blocklist FILE). Only CVE-2017-15361 (ROCA) was checked."
)

// keyQuality reports the key vulnerabilities of certificates, from the facts
// stored at registration: the ROCA flag (CVE-2017-15361), and the key's
// fingerprint looked up in the weak-key blocklist (CVE-2008-0166). Without a
// blocklist the second test is not run, and the check's message says so. Both
// concern RSA keys only; no other key rule is an audit rule (reference 2.4).
type keyQuality struct {
	s *check.Scope
}

func (k keyQuality) visit(resource check.Resource, f iot.X509Facts) {
	k.s.Report.Evaluated(1)
	if f.ROCAVulnerable {
		k.s.Report.NonCompliant(check.Finding{Resource: resource, ReasonCode: reasonROCA,
			Reason: "Certificate key was generated with a vulnerable Infineon RSA library (ROCA, CVE-2017-15361)."})
	}
	if k.s.WeakKeys != nil && f.WeakKeyFingerprint != "" && k.s.WeakKeys.Contains(f.WeakKeyFingerprint) {
		k.s.Report.NonCompliant(check.Finding{Resource: resource, ReasonCode: reasonDebianWeak,
			Reason: "Certificate key is one of the predictable keys of Debian's OpenSSL (CVE-2008-0166)."})
	}
}

func (k keyQuality) end() error {
	if k.s.WeakKeys == nil {
		k.s.Report.Message(noBlocklistMessage)
	}
	return nil
}

// keyQualityVisitor adapts keyQuality to rows of one certificate type.
type keyQualityVisitor[R any] struct {
	keyQuality
	facts func(R) (check.Resource, iot.X509Facts)
}

func (v keyQualityVisitor[R]) Visit(row R) error {
	v.visit(v.facts(row))
	return nil
}

func (v keyQualityVisitor[R]) End() error { return v.end() }
