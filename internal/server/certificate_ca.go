package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
)

func (a *API) GetRegistrationCode(ctx context.Context, _ *iotapi.GetRegistrationCodeRequest) (*iotapi.GetRegistrationCodeResponse, error) {
	code, err := a.registry.GetRegistrationCode(ctx, accountOf(ctx))
	if err != nil {
		return nil, err
	}
	return &iotapi.GetRegistrationCodeResponse{RegistrationCode: &code}, nil
}

func (a *API) RegisterCACertificate(ctx context.Context, in *iotapi.RegisterCACertificateRequest) (*iotapi.RegisterCACertificateResponse, error) {
	tags := make([]iot.Tag, 0, len(in.Tags))
	for _, t := range in.Tags {
		tags = append(tags, iot.Tag{Key: awsjson.Value(t.Key), Value: awsjson.Value(t.Value)})
	}
	ca, err := a.registry.RegisterCACertificate(ctx, accountOf(ctx), registry.RegisterCACertificateRequest{
		CertificatePEM:        awsjson.Value(in.CaCertificate),
		VerificationPEM:       awsjson.Value(in.VerificationCertificate),
		Mode:                  iot.CertificateMode(in.CertificateMode),
		SetAsActive:           awsjson.Value(in.SetAsActive),
		AllowAutoRegistration: awsjson.Value(in.AllowAutoRegistration),
		RegistrationConfig:    registrationConfigFromWire(in.RegistrationConfig),
		Tags:                  tags,
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.RegisterCACertificateResponse{CertificateArn: &ca.ARN, CertificateId: &ca.ID}, nil
}

func registrationConfigFromWire(c *iotapi.RegistrationConfig) iot.RegistrationConfig {
	if c == nil {
		return iot.RegistrationConfig{}
	}
	return iot.RegistrationConfig{
		TemplateName: awsjson.Value(c.TemplateName),
		TemplateBody: awsjson.Value(c.TemplateBody),
		RoleARN:      awsjson.Value(c.RoleArn),
	}
}

func (a *API) DescribeCACertificate(ctx context.Context, in *iotapi.DescribeCACertificateRequest) (*iotapi.DescribeCACertificateResponse, error) {
	account := accountOf(ctx)
	ca, err := a.registry.DescribeCACertificate(ctx, account, awsjson.Value(in.CertificateId))
	if err != nil {
		return nil, err
	}
	auto := iotapi.AutoRegistrationStatusDisable
	if ca.AutoRegistration {
		auto = iotapi.AutoRegistrationStatusEnable
	}
	out := &iotapi.DescribeCACertificateResponse{CertificateDescription: &iotapi.CACertificateDescription{
		AutoRegistrationStatus: auto,
		CertificateArn:         &ca.ARN,
		CertificateId:          &ca.ID,
		CertificateMode:        iotapi.CertificateMode(ca.Mode),
		CertificatePem:         awsjson.Ptr(string(certs.EncodeCertificatePEM(ca.DER))),
		CreationDate:           awsjson.NewTime(ca.CreatedAt),
		CustomerVersion:        awsjson.Ptr(int32(ca.CustomerVersion)),
		GenerationId:           &ca.GenerationID,
		LastModifiedDate:       awsjson.NewTime(ca.LastModifiedAt),
		OwnedBy:                &account,
		Status:                 iotapi.CACertificateStatus(ca.Status),
		Validity:               wireValidity(ca.X509),
	}}
	if rc := ca.RegistrationConfig; !rc.IsZero() {
		out.RegistrationConfig = &iotapi.RegistrationConfig{
			TemplateName: optString(rc.TemplateName),
			TemplateBody: optString(rc.TemplateBody),
			RoleArn:      optString(rc.RoleARN),
		}
	}
	return out, nil
}

func (a *API) UpdateCACertificate(ctx context.Context, in *iotapi.UpdateCACertificateRequest) error {
	req := registry.UpdateCACertificateRequest{
		ID:                     awsjson.Value(in.CertificateId),
		Status:                 iot.CACertificateStatus(in.NewStatus),
		RemoveAutoRegistration: awsjson.Value(in.RemoveAutoRegistration),
	}
	if in.NewAutoRegistrationStatus != "" {
		req.AutoRegistration = awsjson.Ptr(in.NewAutoRegistrationStatus == iotapi.AutoRegistrationStatusEnable)
	}
	if in.RegistrationConfig != nil {
		req.RegistrationConfig = awsjson.Ptr(registrationConfigFromWire(in.RegistrationConfig))
	}
	return a.registry.UpdateCACertificate(ctx, accountOf(ctx), req)
}

func (a *API) DeleteCACertificate(ctx context.Context, in *iotapi.DeleteCACertificateRequest) (*iotapi.DeleteCACertificateResponse, error) {
	if err := a.registry.DeleteCACertificate(ctx, accountOf(ctx), awsjson.Value(in.CertificateId)); err != nil {
		return nil, err
	}
	return &iotapi.DeleteCACertificateResponse{}, nil
}

func (a *API) ListCACertificates(ctx context.Context, in *iotapi.ListCACertificatesRequest) (*iotapi.ListCACertificatesResponse, error) {
	cas, next, err := a.registry.ListCACertificates(ctx, accountOf(ctx), registry.ListCACertificatesRequest{
		MarkerRequest: markerRequest(in.Marker, in.PageSize, in.AscendingOrder),
		TemplateName:  awsjson.Value(in.TemplateName),
	})
	if err != nil {
		return nil, err
	}
	out := make([]iotapi.CACertificate, 0, len(cas))
	for _, ca := range cas {
		out = append(out, iotapi.CACertificate{
			CertificateArn: &ca.ARN,
			CertificateId:  &ca.ID,
			CreationDate:   awsjson.NewTime(ca.CreatedAt),
			Status:         iotapi.CACertificateStatus(ca.Status),
		})
	}
	return &iotapi.ListCACertificatesResponse{Certificates: out, NextMarker: optString(next)}, nil
}
