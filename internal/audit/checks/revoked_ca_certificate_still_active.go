package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK: an ACTIVE CA certificate that
// the CRL of the authority that issued it lists (see revocationStatus).
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK",
		Severity:          check.Critical,
		ResourceType:      check.CACertificate,
		ReasonCodes:       []string{reasonRevokedByIssuer},
		MitigationActions: caCertificateActions,
	}, check.CACertificates, check.NeedsRevocations, func(s *check.Scope) check.Visitor[*iot.CACertificate] {
		return revokedVisitor[*iot.CACertificate]{newRevocationStatus(s), "CA certificates", func(c *iot.CACertificate) (check.Resource, iot.X509Facts) {
			return caCertificate(c.ID), c.X509
		}}
	}))
}
