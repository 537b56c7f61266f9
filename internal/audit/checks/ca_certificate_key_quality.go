package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

func init() {
	check.Register(check.New(check.Metadata{
		Name:              "CA_CERTIFICATE_KEY_QUALITY_CHECK",
		Severity:          check.Critical,
		ResourceType:      check.CACertificate,
		ReasonCodes:       []string{reasonROCA, reasonDebianWeak},
		MitigationActions: caCertificateActions,
	}, check.CACertificates, 0, func(s *check.Scope) check.Visitor[*iot.CACertificate] {
		return keyQualityVisitor[*iot.CACertificate]{keyQuality{s}, func(c *iot.CACertificate) (check.Resource, iot.X509Facts) {
			return caCertificate(c.ID), c.X509
		}}
	}))
}
