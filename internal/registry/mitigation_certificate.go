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
	if err := checkRequestedStatus(status); err != nil {
		return err
	}
	c, err := tx.Certificate(ctx, id)
	if err != nil {
		return notFound(err, "Certificate %s does not exist.", id)
	}
	if change, err := statusChange(c, status); !change || err != nil {
		return err
	}
	c.Status = status
	return tx.UpdateCertificate(ctx, r.certificateChanged(c))
}

// UpdateCertificatesTx is UpdateCertificateTx for many certificates at once,
// in tx: the status of each that can change changes, under the same rules.
// It returns, by certificate id, the error UpdateCertificate would return
// for each certificate that cannot change. The certificates changed together
// share one new generation id.
func (r *Registry) UpdateCertificatesTx(ctx context.Context, tx store.Tx, ids []string, status iot.CertificateStatus) (map[string]error, error) {
	if err := checkRequestedStatus(status); err != nil {
		return nil, err
	}
	lower := make([]string, len(ids))
	for i, id := range ids {
		lower[i] = strings.ToLower(id)
	}
	found, err := tx.CertificateStates(ctx, lower)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]iot.Certificate, len(found))
	for _, c := range found {
		byID[c.ID] = c
	}
	failed := map[string]error{}
	var changed []string
	seen := make(map[string]bool, len(lower))
	for _, id := range lower {
		if seen[id] {
			continue // a certificate named twice changes once
		}
		seen[id] = true
		c, ok := byID[id]
		if !ok {
			failed[id] = iot.Errorf(iot.NotFound, "Certificate %s does not exist.", id)
			continue
		}
		change, err := statusChange(c, status)
		switch {
		case err != nil:
			failed[id] = err
		case change:
			changed = append(changed, id)
		}
	}
	if len(changed) > 0 {
		err = tx.SetCertificatesStatus(ctx, changed, status, r.certificateNow(), r.ids.UUID())
	}
	return failed, err
}

// checkRequestedStatus refuses the statuses AWS IoT sets itself.
func checkRequestedStatus(status iot.CertificateStatus) error {
	if status == iot.CertificatePendingTransfer || status == iot.CertificatePendingActivation {
		return iot.Errorf(iot.InvalidRequest,
			"The status %s is set by AWS IoT only; a certificate can be set to ACTIVE, INACTIVE or REVOKED.", status)
	}
	return nil
}

// statusChange says whether a certificate changes to status: not when it has
// it already (UpdateCertificate is idempotent); a revoked certificate stays
// revoked, and one being transferred changes only through the transfer.
func statusChange(c iot.Certificate, status iot.CertificateStatus) (bool, error) {
	if c.Status == status {
		return false, nil
	}
	switch c.Status {
	case iot.CertificateRevoked:
		return false, iot.Errorf(iot.CertificateState,
			"Certificate %s is revoked: a revoked certificate cannot become %s.", c.ID, status)
	case iot.CertificatePendingTransfer:
		return false, iot.Errorf(iot.CertificateState,
			"Certificate %s is pending transfer: accept, reject or cancel the transfer before changing its status.", c.ID)
	}
	return true, nil
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
