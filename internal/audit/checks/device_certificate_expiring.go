package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

var expirationThreshold = check.ConfigKey{Name: "CERT_EXPIRATION_THRESHOLD_IN_DAYS", Default: 30, Min: 30, Max: 3652}

func init() {
	check.Register(check.New(check.Metadata{
		Name:              "DEVICE_CERTIFICATE_EXPIRING_CHECK",
		Severity:          check.Medium,
		ResourceType:      check.DeviceCertificate,
		ReasonCodes:       []string{reasonApproachingExpiration, reasonPastExpiration},
		Config:            []check.ConfigKey{expirationThreshold},
		MitigationActions: deviceCertificateActions,
	}, check.DeviceCertificates, 0, func(s *check.Scope) check.Visitor[*iot.Certificate] {
		threshold := days(s, expirationThreshold)
		return check.VisitFunc[*iot.Certificate](func(c *iot.Certificate) error {
			s.Report.Evaluated(1)
			if f, ok := expiryFinding(deviceCertificate(c.ID), c.X509.NotAfter, s.Env.Start, threshold); ok {
				s.Report.NonCompliant(f)
			}
			return nil
		})
	}))
}
