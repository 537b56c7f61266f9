package registry

import (
	"context"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// DescribeCertificate returns a device certificate with its DER.
func (r *Registry) DescribeCertificate(ctx context.Context, account, id string) (iot.Certificate, error) {
	id = strings.ToLower(id)
	var c iot.Certificate
	err := r.view(ctx, account, func(tx store.ReadTx) (err error) {
		c, err = tx.Certificate(ctx, id)
		return notFound(err, "Certificate %s does not exist.", id)
	})
	c.ARN = r.certificateARN(account, c.ID)
	return c, err
}

// ListCertificatesRequest is the input of ListCertificates and
// ListCertificatesByCA. Ascending lists the oldest first; the default is newest
// first.
type ListCertificatesRequest struct {
	MarkerRequest
	// CAID lists only the certificates registered with that CA (ListCertificatesByCA).
	CAID string
}

// ListCertificates lists device certificates by creation date.
func (r *Registry) ListCertificates(ctx context.Context, account string, req ListCertificatesRequest) ([]iot.Certificate, string, error) {
	caID := strings.ToLower(req.CAID)
	scope := "certificates/" + orderScope(req.Ascending) + "/" + caID
	p, err := r.markerPage(account, scope, req.MarkerRequest)
	if err != nil {
		return nil, "", err
	}
	var certs []iot.Certificate
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) (err error) {
		certs, more, err = tx.Certificates(ctx, store.CertificateListing{Page: p, Ascending: req.Ascending, CAID: caID})
		return err
	})
	if err != nil {
		return nil, "", err
	}
	last := ""
	for i := range certs {
		certs[i].ARN = r.certificateARN(account, certs[i].ID)
		last = store.CreationKey(certs[i].CreatedAt, certs[i].ID)
	}
	return certs, r.nextMarker(account, scope, more, last), nil
}
