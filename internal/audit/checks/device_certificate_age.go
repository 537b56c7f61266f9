package checks

import (
	"fmt"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

var ageThreshold = check.ConfigKey{Name: "CERT_AGE_THRESHOLD_IN_DAYS", Default: 365, Min: 30, Max: 3652}

const reasonPastAgeThreshold = "CERTIFICATE_PAST_AGE_THRESHOLD"

// DEVICE_CERTIFICATE_AGE_CHECK: a certificate active for the threshold or
// longer. AWS does not say from when a certificate's age counts [I]: from its
// registration in the account (the registry's creation date), or from its
// notBefore when the registry has no creation date. AWS lists no mitigation
// actions for it [I]: those of DEVICE_CERTIFICATE_EXPIRING_CHECK.
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "DEVICE_CERTIFICATE_AGE_CHECK",
		Severity:          check.Low,
		ResourceType:      check.DeviceCertificate,
		ReasonCodes:       []string{reasonPastAgeThreshold},
		Config:            []check.ConfigKey{ageThreshold},
		MitigationActions: deviceCertificateActions,
	}, check.DeviceCertificates, 0, func(s *check.Scope) check.Visitor[*iot.Certificate] {
		threshold := days(s, ageThreshold)
		return check.VisitFunc[*iot.Certificate](func(c *iot.Certificate) error {
			s.Report.Evaluated(1)
			since := c.CreatedAt
			if since.IsZero() {
				since = c.X509.NotBefore
			}
			if !since.Add(threshold).After(s.Env.Start) {
				s.Report.NonCompliant(check.Finding{
					Resource:   deviceCertificate(c.ID),
					ReasonCode: reasonPastAgeThreshold,
					Reason: fmt.Sprintf("Certificate has been active since %s, %d days or more.",
						since.UTC().Format(time.RFC3339), threshold/day),
				})
			}
			return nil
		})
	}))
}
