package mitigation

import (
	"context"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// UPDATE_DEVICE_CERTIFICATE sets the finding's device certificates INACTIVE
// through the registry's UpdateCertificate and its rules: an INACTIVE one
// stays so, a REVOKED one (or one pending transfer) fails the execution with
// INVALID_STATE_OF_RESOURCE. See deviceCertificatesOf for which certificates
// a finding has; each of them that can change does, and the execution fails
// when one cannot [I]. The certificates of a thousand findings change in a
// few statements (registry.UpdateCertificatesTx).
func init() {
	register(&actionType{
		Type:        iot.MitigationUpdateDeviceCertificate,
		Member:      "updateDeviceCertificateParams",
		Permissions: []string{"iot:UpdateCertificate"},
		validate: func(_ context.Context, _ store.ReadTx, p iot.MitigationActionParams) error {
			return deactivateOnly("updateDeviceCertificateParams", p.UpdateDeviceCertificate.Action)
		},
		apply: func(ctx context.Context, e *Engine, tx store.Tx, f iot.AuditFinding, p iot.MitigationActionParams) error {
			errs, err := deactivateDeviceCertificates(ctx, e, tx, []iot.AuditFinding{f}, p)
			if err != nil {
				return err
			}
			return errs[0]
		},
		applyMany: deactivateDeviceCertificates,
	})
}

func deactivateDeviceCertificates(ctx context.Context, e *Engine, tx store.Tx, findings []iot.AuditFinding, _ iot.MitigationActionParams) ([]error, error) {
	errs := make([]error, len(findings))
	certs := make([][]string, len(findings))
	var all []string
	for i, f := range findings {
		certs[i], errs[i] = deviceCertificatesOf(ctx, tx, f)
		if isDomain(errs[i]) {
			continue
		} else if errs[i] != nil {
			return nil, errs[i]
		}
		all = append(all, certs[i]...)
	}
	failed, err := e.registry.UpdateCertificatesTx(ctx, tx, all, iot.CertificateInactive)
	if err != nil {
		return nil, err
	}
	for i, ids := range certs {
		for _, id := range ids {
			if err := failed[strings.ToLower(id)]; err != nil && errs[i] == nil {
				errs[i] = err
			}
		}
	}
	return errs, nil
}

// deactivateOnly checks the action of an update…CertificateParams member.
func deactivateOnly(member, action string) error {
	if action != iot.DeactivateCertificate {
		return iot.Errorf(iot.InvalidRequest, "%s.action must be DEACTIVATE, not %q.", member, action)
	}
	return nil
}
