package registry

import (
	"context"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// UpdateCertificate changes the status of a device certificate. Setting the
// status it has is a no-op (the operation is idempotent). A revoked
// certificate stays revoked, a certificate being transferred changes only
// through the transfer, and the statuses AWS IoT sets itself cannot be asked
// for.
func (r *Registry) UpdateCertificate(ctx context.Context, account, id string, status iot.CertificateStatus) error {
	return r.update(ctx, account, func(tx store.Tx) error { return r.UpdateCertificateTx(ctx, tx, id, status) })
}

// certificateChanged returns c as it is after a change made now: modification time,
// customer version and generation id.
func (r *Registry) certificateChanged(c iot.Certificate) iot.Certificate {
	c.LastModifiedAt = r.certificateNow()
	c.CustomerVersion++
	c.GenerationID = r.ids.UUID()
	return c
}

// DeleteCertificate deletes a device certificate that is not ACTIVE and not
// attached to a thing. A certificate with policies attached is refused unless
// force is set, which detaches them.
func (r *Registry) DeleteCertificate(ctx context.Context, account, id string, force bool) error {
	id = strings.ToLower(id)
	return r.update(ctx, account, func(tx store.Tx) error {
		c, err := tx.Certificate(ctx, id)
		if err != nil {
			return notFound(err, "Certificate %s does not exist.", id)
		}
		switch c.Status {
		case iot.CertificateActive:
			return iot.Errorf(iot.CertificateState,
				"Certificate must be deactivated (not ACTIVE) before deletion. Id: %s", id)
		case iot.CertificatePendingTransfer:
			return iot.Errorf(iot.CertificateState,
				"Certificate %s is pending transfer: cancel or reject the transfer before deleting it.", id)
		}
		arn := r.certificateARN(account, id)
		things, _, err := tx.PrincipalThings(ctx, arn, "", store.Page{Limit: 1})
		if err != nil {
			return err
		}
		if len(things) > 0 {
			return iot.Errorf(iot.DeleteConflict,
				"Things must be detached before deletion (arn: %s); certificate %s is attached to %s.", arn, id, things[0].ThingName)
		}
		if !force {
			n, err := tx.CountTargetPolicies(ctx, arn)
			if err != nil {
				return err
			}
			if n > 0 {
				return iot.Errorf(iot.DeleteConflict,
					"Certificate policies must be detached before deletion (arn: %s): %d attached; detach them or delete with forceDelete.", arn, n)
			}
		}
		if err := tx.DetachTarget(ctx, arn); err != nil {
			return err
		}
		return tx.DeleteCertificate(ctx, id)
	})
}
