package checks

import (
	"fmt"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

const reasonIntermediateRevoked = "INTERMEDIATE_CA_REVOKED_BY_ISSUER"

// INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK: an
// intermediate CA certificate that its issuer's CRL lists, in the chain of
// ACTIVE or PENDING_TRANSFER device certificates. The intermediates are the
// certificates registered in device certificates' chains and the registered
// CA certificates that are not self-issued. One finding per revoked
// intermediate [I]: resource ISSUER_CERTIFICATE (subject, certificate id as
// issuerId, serial), the affected device certificates as related resources.
// An intermediate counts as evaluated when its issuer's CRL was available
// (see revocationStatus); a revoked one with no active device certificate is
// compliant.
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK",
		Severity:          check.Critical,
		ResourceType:      check.IssuerCertificate,
		ReasonCodes:       []string{reasonIntermediateRevoked},
		MitigationActions: deviceCertificateActions,
	}, check.IntermediateCAs, check.NeedsRevocations, func(s *check.Scope) check.Visitor[*check.IntermediateCA] {
		return intermediateRevoked{newRevocationStatus(s)}
	}))
}

type intermediateRevoked struct{ status *revocationStatus }

func (v intermediateRevoked) Visit(ca *check.IntermediateCA) error {
	if revoked, _ := v.status.revoked(ca.X509); !revoked {
		return nil
	}
	var related []check.Resource
	for id, err := range ca.Devices {
		if err != nil {
			return err
		}
		related = append(related, deviceCertificate(id))
	}
	if len(related) == 0 {
		return nil
	}
	v.status.s.Report.NonCompliant(check.Finding{
		Resource: check.Resource{Type: check.IssuerCertificate, Identifier: iot.ResourceIdentifier{
			IssuerCertificate: &iot.IssuerCertificateIdentifier{Subject: ca.X509.Subject, IssuerID: ca.ID, SerialNumber: ca.X509.SerialHex},
		}},
		ReasonCode: reasonIntermediateRevoked,
		Reason: fmt.Sprintf("Intermediate CA %s (serial %s) is revoked by its issuer %s and is in the chain of %d active device certificates.",
			ca.X509.Subject, ca.X509.SerialHex, ca.X509.Issuer, len(related)),
		Related: related,
	})
	return nil
}

func (v intermediateRevoked) End() error { return v.status.end("intermediate CA certificates") }
