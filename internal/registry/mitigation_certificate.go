package registry

import (
	"context"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The certificate use cases that mitigation actions apply, in the caller's
// transaction: a mitigation task applies an action and records its execution
// in one transaction. UpdateCertificate and UpdateCACertificate are these in a
// transaction of their own.

// UpdateCertificateTx is UpdateCertificate in tx, for tx's account.
func (r *Registry) UpdateCertificateTx(ctx context.Context, tx store.Tx, id string, status iot.CertificateStatus) error {
	id = strings.ToLower(id)
	if status == iot.CertificatePendingTransfer || status == iot.CertificatePendingActivation {
		return iot.Errorf(iot.InvalidRequest,
			"The status %s is set by AWS IoT only; a certificate can be set to ACTIVE, INACTIVE or REVOKED.", status)
	}
	c, err := tx.Certificate(ctx, id)
	if err != nil {
		return notFound(err, "Certificate %s does not exist.", id)
	}
	if c.Status == status {
		return nil
	}
	switch c.Status {
	case iot.CertificateRevoked:
		return iot.Errorf(iot.CertificateState,
			"Certificate %s is revoked: a revoked certificate cannot become %s.", id, status)
	case iot.CertificatePendingTransfer:
		return iot.Errorf(iot.CertificateState,
			"Certificate %s is pending transfer: accept, reject or cancel the transfer before changing its status.", id)
	}
	c.Status = status
	return tx.UpdateCertificate(ctx, r.certificateChanged(c))
}

// UpdateCACertificateTx is UpdateCACertificate in tx, for tx's account.
func (r *Registry) UpdateCACertificateTx(ctx context.Context, tx store.Tx, req UpdateCACertificateRequest) error {
	id := strings.ToLower(req.ID)
	if req.RegistrationConfig != nil {
		if req.RemoveAutoRegistration {
			return iot.Errorf(iot.InvalidRequest,
				"removeAutoRegistration removes the registration config: it cannot come with a new registrationConfig.")
		}
		if err := checkRegistrationConfig(*req.RegistrationConfig); err != nil {
			return err
		}
	}
	ca, err := tx.CACertificate(ctx, id)
	if err != nil {
		return notFound(err, "CA certificate %s does not exist.", id)
	}
	was := ca
	if req.Status != "" {
		ca.Status = req.Status
	}
	if req.AutoRegistration != nil {
		ca.AutoRegistration = *req.AutoRegistration
	}
	if req.RegistrationConfig != nil {
		ca.RegistrationConfig = *req.RegistrationConfig
	}
	if req.RemoveAutoRegistration {
		ca.RegistrationConfig = iot.RegistrationConfig{}
	}
	if ca.Status == was.Status && ca.AutoRegistration == was.AutoRegistration && ca.RegistrationConfig == was.RegistrationConfig {
		return nil
	}
	ca.LastModifiedAt = r.certificateNow()
	ca.CustomerVersion++
	ca.GenerationID = r.ids.UUID()
	return tx.UpdateCACertificate(ctx, ca)
}
