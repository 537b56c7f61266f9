package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

func init() {
	check.Register(check.New(check.Metadata{
		Name:              "DEVICE_CERTIFICATE_KEY_QUALITY_CHECK",
		Severity:          check.Critical,
		ResourceType:      check.DeviceCertificate,
		ReasonCodes:       []string{reasonROCA, reasonDebianWeak},
		MitigationActions: deviceCertificateActions,
	}, check.DeviceCertificates, 0, func(s *check.Scope) check.Visitor[*iot.Certificate] {
		return keyQualityVisitor[*iot.Certificate]{keyQuality{s}, func(c *iot.Certificate) (check.Resource, iot.X509Facts) {
			return deviceCertificate(c.ID), c.X509
		}}
	}))
}
