package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK: an ACTIVE or PENDING_TRANSFER
// device certificate that its issuer's CRL lists (see revocationStatus).
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK",
		Severity:          check.Medium,
		ResourceType:      check.DeviceCertificate,
		ReasonCodes:       []string{reasonRevokedByIssuer},
		MitigationActions: deviceCertificateActions,
	}, check.DeviceCertificates, check.NeedsRevocations, func(s *check.Scope) check.Visitor[*iot.Certificate] {
		return revokedVisitor[*iot.Certificate]{newRevocationStatus(s), "device certificates", func(c *iot.Certificate) (check.Resource, iot.X509Facts) {
			return deviceCertificate(c.ID), c.X509
		}}
	}))
}
