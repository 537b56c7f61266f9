package mitigation

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
	"github.com/iotdefender/iotdefender/internal/store"
)

// UPDATE_CA_CERTIFICATE sets the finding's CA certificate INACTIVE through the
// registry's UpdateCACertificate; an INACTIVE one stays so. A CA certificate
// that no longer exists fails the execution.
func init() {
	register(&actionType{
		Type:        iot.MitigationUpdateCACertificate,
		Member:      "updateCACertificateParams",
		Permissions: []string{"iot:UpdateCACertificate"},
		validate: func(_ context.Context, _ store.ReadTx, p iot.MitigationActionParams) error {
			return deactivateOnly("updateCACertificateParams", p.UpdateCACertificate.Action)
		},
		apply: func(ctx context.Context, e *Engine, tx store.Tx, f iot.AuditFinding, _ iot.MitigationActionParams) error {
			id := f.Resource.Identifier.CACertificateID
			if id == "" {
				return notCertificate(f, "a CA certificate")
			}
			return e.registry.UpdateCACertificateTx(ctx, tx, registry.UpdateCACertificateRequest{ID: id, Status: iot.CACertificateInactive})
		},
	})
}
