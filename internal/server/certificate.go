package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
)

// The certificate family: device certificates (this file), CA certificates and
// thing principals.

func (a *API) CreateKeysAndCertificate(ctx context.Context, in *iotapi.CreateKeysAndCertificateRequest) (*iotapi.CreateKeysAndCertificateResponse, error) {
	created, err := a.registry.CreateKeysAndCertificate(ctx, accountOf(ctx), awsjson.Value(in.SetAsActive))
	if err != nil {
		return nil, err
	}
	c := created.Certificate
	return &iotapi.CreateKeysAndCertificateResponse{
		CertificateArn: &c.ARN,
		CertificateId:  &c.ID,
		CertificatePem: awsjson.Ptr(string(certs.EncodeCertificatePEM(c.DER))),
		KeyPair:        &iotapi.KeyPair{PrivateKey: &created.PrivateKeyPEM, PublicKey: &created.PublicKeyPEM},
	}, nil
}

func (a *API) CreateCertificateFromCsr(ctx context.Context, in *iotapi.CreateCertificateFromCsrRequest) (*iotapi.CreateCertificateFromCsrResponse, error) {
	c, err := a.registry.CreateCertificateFromCSR(ctx, accountOf(ctx), awsjson.Value(in.CertificateSigningRequest), awsjson.Value(in.SetAsActive))
	if err != nil {
		return nil, err
	}
	return &iotapi.CreateCertificateFromCsrResponse{
		CertificateArn: &c.ARN,
		CertificateId:  &c.ID,
		CertificatePem: awsjson.Ptr(string(certs.EncodeCertificatePEM(c.DER))),
	}, nil
}

func (a *API) RegisterCertificate(ctx context.Context, in *iotapi.RegisterCertificateRequest) (*iotapi.RegisterCertificateResponse, error) {
	c, err := a.registry.RegisterCertificate(ctx, accountOf(ctx), registry.RegisterCertificateRequest{
		CertificatePEM: awsjson.Value(in.CertificatePem),
		CAPEM:          awsjson.Value(in.CaCertificatePem),
		Status:         iot.CertificateStatus(in.Status),
		SetAsActive:    awsjson.Value(in.SetAsActive),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.RegisterCertificateResponse{CertificateArn: &c.ARN, CertificateId: &c.ID}, nil
}

func (a *API) RegisterCertificateWithoutCA(ctx context.Context, in *iotapi.RegisterCertificateWithoutCARequest) (*iotapi.RegisterCertificateWithoutCAResponse, error) {
	c, err := a.registry.RegisterCertificateWithoutCA(ctx, accountOf(ctx), awsjson.Value(in.CertificatePem), iot.CertificateStatus(in.Status))
	if err != nil {
		return nil, err
	}
	return &iotapi.RegisterCertificateWithoutCAResponse{CertificateArn: &c.ARN, CertificateId: &c.ID}, nil
}

func (a *API) DescribeCertificate(ctx context.Context, in *iotapi.DescribeCertificateRequest) (*iotapi.DescribeCertificateResponse, error) {
	account := accountOf(ctx)
	c, err := a.registry.DescribeCertificate(ctx, account, awsjson.Value(in.CertificateId))
	if err != nil {
		return nil, err
	}
	d := &iotapi.CertificateDescription{
		CertificateArn:   &c.ARN,
		CertificateId:    &c.ID,
		CertificateMode:  iotapi.CertificateMode(c.Mode),
		CertificatePem:   awsjson.Ptr(string(certs.EncodeCertificatePEM(c.DER))),
		CreationDate:     awsjson.NewTime(c.CreatedAt),
		CustomerVersion:  awsjson.Ptr(int32(c.CustomerVersion)),
		GenerationId:     &c.GenerationID,
		LastModifiedDate: awsjson.NewTime(c.LastModifiedAt),
		OwnedBy:          &account,
		Status:           iotapi.CertificateStatus(c.Status),
		TransferData:     &iotapi.TransferData{}, // no transfers: AWS sends the empty object
		Validity:         wireValidity(c.X509),
	}
	if c.CAID != "" {
		d.CaCertificateId = &c.CAID
	}
	return &iotapi.DescribeCertificateResponse{CertificateDescription: d}, nil
}

func wireValidity(f iot.X509Facts) *iotapi.CertificateValidity {
	return &iotapi.CertificateValidity{NotBefore: awsjson.NewTime(f.NotBefore), NotAfter: awsjson.NewTime(f.NotAfter)}
}

func (a *API) UpdateCertificate(ctx context.Context, in *iotapi.UpdateCertificateRequest) error {
	return a.registry.UpdateCertificate(ctx, accountOf(ctx), awsjson.Value(in.CertificateId), iot.CertificateStatus(in.NewStatus))
}

func (a *API) DeleteCertificate(ctx context.Context, in *iotapi.DeleteCertificateRequest) error {
	return a.registry.DeleteCertificate(ctx, accountOf(ctx), awsjson.Value(in.CertificateId), awsjson.Value(in.ForceDelete))
}

func (a *API) ListCertificates(ctx context.Context, in *iotapi.ListCertificatesRequest) (*iotapi.ListCertificatesResponse, error) {
	certs, next, err := a.registry.ListCertificates(ctx, accountOf(ctx), registry.ListCertificatesRequest{
		MarkerRequest: markerRequest(in.Marker, in.PageSize, in.AscendingOrder),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.ListCertificatesResponse{Certificates: wireCertificates(certs), NextMarker: optString(next)}, nil
}

func (a *API) ListCertificatesByCA(ctx context.Context, in *iotapi.ListCertificatesByCARequest) (*iotapi.ListCertificatesByCAResponse, error) {
	certs, next, err := a.registry.ListCertificates(ctx, accountOf(ctx), registry.ListCertificatesRequest{
		MarkerRequest: markerRequest(in.Marker, in.PageSize, in.AscendingOrder),
		CAID:          awsjson.Value(in.CaCertificateId),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.ListCertificatesByCAResponse{Certificates: wireCertificates(certs), NextMarker: optString(next)}, nil
}

func wireCertificates(certs []iot.Certificate) []iotapi.Certificate {
	out := make([]iotapi.Certificate, 0, len(certs))
	for _, c := range certs {
		out = append(out, iotapi.Certificate{
			CertificateArn:  &c.ARN,
			CertificateId:   &c.ID,
			CertificateMode: iotapi.CertificateMode(c.Mode),
			CreationDate:    awsjson.NewTime(c.CreatedAt),
			Status:          iotapi.CertificateStatus(c.Status),
		})
	}
	return out
}
