package mitigation

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// UPDATE_DEVICE_CERTIFICATE sets the finding's device certificates INACTIVE
// through the registry's UpdateCertificate and its rules: an INACTIVE one
// stays so, a REVOKED one (or one pending transfer) fails the execution with
// INVALID_STATE_OF_RESOURCE. See deviceCertificatesOf for which certificates
// a finding has.
func init() {
	register(&actionType{
		Type:        iot.MitigationUpdateDeviceCertificate,
		Member:      "updateDeviceCertificateParams",
		Permissions: []string{"iot:UpdateCertificate"},
		validate: func(_ context.Context, _ store.ReadTx, p iot.MitigationActionParams) error {
			return deactivateOnly("updateDeviceCertificateParams", p.UpdateDeviceCertificate.Action)
		},
		apply: func(ctx context.Context, e *Engine, tx store.Tx, f iot.AuditFinding, _ iot.MitigationActionParams) error {
			ids, err := deviceCertificatesOf(ctx, tx, f)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if err := e.registry.UpdateCertificateTx(ctx, tx, id, iot.CertificateInactive); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// deactivateOnly checks the action of an update…CertificateParams member.
func deactivateOnly(member, action string) error {
	if action != iot.DeactivateCertificate {
		return iot.Errorf(iot.InvalidRequest, "%s.action must be DEACTIVATE, not %q.", member, action)
	}
	return nil
}
