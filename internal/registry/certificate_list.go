package registry

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// defaultCertificatePageSize is the page size of the certificate listings when
// the request names none (ListCertificates, ListCACertificates: 25 per the API
// reference; the principal listings follow them [inferred]).
const defaultCertificatePageSize = 25

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
// ListCertificatesByCA.
type ListCertificatesRequest struct {
	// Marker and PageSize page the listing as ListRequest does.
	ListRequest
	// Ascending lists the oldest first; the default is newest first.
	Ascending bool
	// CAID lists only the certificates registered with that CA (ListCertificatesByCA).
	CAID string
}

// ListCertificates lists device certificates by creation date. The next
// marker is returned in the marker's own alphabet (see marker).
func (r *Registry) ListCertificates(ctx context.Context, account string, req ListCertificatesRequest) ([]iot.Certificate, string, error) {
	caID := strings.ToLower(req.CAID)
	scope := "certificates/" + listingOrder(req.Ascending) + "/" + caID
	p, err := r.certMarkerPage(account, scope, req.ListRequest)
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
	return certs, r.certNextMarker(account, scope, more, last), nil
}

func listingOrder(ascending bool) string {
	if ascending {
		return "asc"
	}
	return "desc"
}

// The marker of the certificate listings travels in a member whose model
// pattern is standard base64 ([A-Za-z0-9+/]+={0,2}), while page tokens are
// URL-safe base64: markers are tokens re-encoded, losslessly.

// certMarkerPage is r.page for a listing paged by marker.
func (r *Registry) certMarkerPage(account, scope string, req ListRequest) (store.Page, error) {
	if req.NextToken != "" {
		raw, err := base64.StdEncoding.DecodeString(req.NextToken)
		if err != nil {
			return store.Page{}, iot.Errorf(iot.InvalidRequest, "The marker is not valid for this request.")
		}
		req.NextToken = base64.RawURLEncoding.EncodeToString(raw)
	}
	return r.page(account, scope, req, defaultCertificatePageSize)
}

// certNextMarker is r.nextToken for a listing paged by marker.
func (r *Registry) certNextMarker(account, scope string, more bool, lastKey string) string {
	token := r.nextToken(account, scope, more, lastKey)
	if token == "" {
		return ""
	}
	raw, _ := base64.RawURLEncoding.DecodeString(token) // a token is always valid base64
	return base64.StdEncoding.EncodeToString(raw)
}
