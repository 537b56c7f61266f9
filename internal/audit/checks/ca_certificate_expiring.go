package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// caExpiryThreshold is fixed for CA certificates.
const caExpiryThreshold = 30 * day

func init() {
	check.Register(check.New(check.Metadata{
		Name:              "CA_CERTIFICATE_EXPIRING_CHECK",
		Severity:          check.Medium,
		ResourceType:      check.CACertificate,
		ReasonCodes:       []string{reasonApproachingExpiration, reasonPastExpiration},
		MitigationActions: caCertificateActions,
	}, check.CACertificates, 0, func(s *check.Scope) check.Visitor[*iot.CACertificate] {
		return check.VisitFunc[*iot.CACertificate](func(c *iot.CACertificate) error {
			s.Report.Evaluated(1)
			if f, ok := expiryFinding(caCertificate(c.ID), c.X509.NotAfter, s.Env.Start, caExpiryThreshold); ok {
				s.Report.NonCompliant(f)
			}
			return nil
		})
	}))
}
