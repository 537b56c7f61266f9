package mitigation

import (
	"context"
	"errors"
	"strconv"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// deviceCertificatesOf returns the device certificates a finding is about:
// its resource, or, for a finding on an issuer certificate
// (INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK), the device
// certificates among its related resources, every one of them [I].
func deviceCertificatesOf(ctx context.Context, tx store.ReadTx, f iot.AuditFinding) ([]string, error) {
	if id := f.Resource.Identifier.DeviceCertificateID; id != "" {
		return []string{id}, nil
	}
	if f.Resource.Identifier.IssuerCertificate == nil {
		return nil, notCertificate(f, "a device certificate")
	}
	var ids []string
	p, read := store.Page{Limit: 1000}, 0
	for {
		related, more, err := tx.AuditFindingRelated(ctx, f.ID, p)
		if err != nil {
			return nil, notFound(err, "Finding %s no longer exists.", f.ID)
		}
		for _, r := range related {
			if id := r.Identifier.DeviceCertificateID; id != "" {
				ids = append(ids, id)
			}
		}
		if !more {
			return ids, nil
		}
		read += len(related)
		p.After = strconv.Itoa(read - 1) // the index of the last resource read
	}
}

// notCertificate is the error of an action applied to a finding whose
// resource is not the certificate it changes.
func notCertificate(f iot.AuditFinding, what string) error {
	return iot.Errorf(iot.InvalidRequest, "The resource of finding %s is a %s, not %s.", f.ID, f.Resource.Type, what)
}

// isDomain reports whether err is a domain error: one that fails an
// execution rather than the transaction.
func isDomain(err error) bool {
	var domain *iot.Error
	return errors.As(err, &domain)
}
