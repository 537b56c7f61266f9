package server

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"time"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// CRLPath is where CRLs are uploaded (PUT, body a CRL in DER or PEM).
const CRLPath = "/_iotdefender/v1/crls"

// maxCRLUpload is the largest CRL accepted, as for fetched CRLs.
const maxCRLUpload = 10 << 20

// crlUploadResult is the answer to an upload.
type crlUploadResult struct {
	Issuer              string   `json:"issuer"`
	AuthorityKeyID      string   `json:"authorityKeyId,omitempty"`
	IssuerCertificateID string   `json:"issuerCertificateId"`
	ThisUpdate          float64  `json:"thisUpdate"`
	NextUpdate          *float64 `json:"nextUpdate,omitempty"`
	RevokedCount        int      `json:"revokedCount"`
}

// crlUpload stores a CRL for the revocation checks once its signature verifies
// against a registered CA certificate or a certificate of a registered chain.
// It replaces the stored CRL of the same issuer and key unless that one is
// newer (a later thisUpdate), which is refused.
func crlUpload(st store.Store, clk clock.Clock) Extension {
	return Extension{Method: http.MethodPut, Path: CRLPath, MaxBody: maxCRLUpload,
		Serve: func(ctx context.Context, account string, req *awsjson.Request, w http.ResponseWriter) error {
			if len(req.Body) == 0 {
				return iot.Errorf(iot.InvalidRequest, "The request body must be a CRL, in DER or PEM.")
			}
			crl, err := certs.ParseCRL(req.Body)
			if err != nil {
				return err
			}
			stored := store.UploadedCRL{
				Issuer: crl.Issuer, AuthorityKeyID: crl.AuthorityKeyID, ThisUpdate: crl.ThisUpdate, NextUpdate: crl.NextUpdate,
				DER: crl.DER, Serials: crl.RevokedSerials(), UploadedAt: clk.Now(),
			}
			if crl.Number != nil {
				stored.Number = crl.Number.String()
			}
			err = st.Update(ctx, account, func(tx store.Tx) error {
				if stored.IssuerCertificateID, err = verifiedIssuer(ctx, tx, crl); err != nil {
					return err
				}
				if err := refuseOlder(ctx, tx, stored); err != nil {
					return err
				}
				return tx.PutUploadedCRL(ctx, stored)
			})
			if err != nil {
				return err
			}
			result := crlUploadResult{Issuer: stored.Issuer, AuthorityKeyID: stored.AuthorityKeyID,
				IssuerCertificateID: stored.IssuerCertificateID, ThisUpdate: epochSeconds(stored.ThisUpdate), RevokedCount: len(stored.Serials)}
			if !stored.NextUpdate.IsZero() {
				next := epochSeconds(stored.NextUpdate)
				result.NextUpdate = &next
			}
			return writeExtensionJSON(w, result)
		}}
}

func epochSeconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// verifiedIssuer returns the id of the registered certificate whose key signed
// the CRL.
func verifiedIssuer(ctx context.Context, tx store.ReadTx, crl *certs.CRL) (string, error) {
	issuers, err := tx.IssuerCertificates(ctx, crl.Issuer)
	if err != nil {
		return "", err
	}
	if len(issuers) == 0 {
		return "", iot.Errorf(iot.InvalidRequest,
			"The CRL's issuer %q is neither a registered CA certificate nor a certificate of a registered chain.", crl.Issuer)
	}
	var refused error
	for _, issuer := range issuers {
		cert, err := x509.ParseCertificate(issuer.DER)
		if err != nil {
			return "", err // the registry stores only certificates that parsed
		}
		if refused = crl.VerifyIssuer(cert); refused == nil {
			return issuer.ID, nil
		}
	}
	return "", refused
}

func refuseOlder(ctx context.Context, tx store.ReadTx, c store.UploadedCRL) error {
	current, err := tx.UploadedCRL(ctx, c.Issuer, c.AuthorityKeyID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if current.ThisUpdate.After(c.ThisUpdate) {
		return iot.Errorf(iot.InvalidRequest, "A newer CRL of %q is stored (thisUpdate %s); this one's thisUpdate is %s.",
			c.Issuer, current.ThisUpdate.Format(time.RFC3339), c.ThisUpdate.Format(time.RFC3339))
	}
	return nil
}
