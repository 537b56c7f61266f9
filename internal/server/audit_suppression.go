package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/audit"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Audit suppressions. suppressIndefinitely is always sent; expirationDate only
// when the suppression has one.

func (a *API) CreateAuditSuppression(ctx context.Context, in *iotapi.CreateAuditSuppressionRequest) (*iotapi.CreateAuditSuppressionResponse, error) {
	err := a.audit.CreateAuditSuppression(ctx, accountOf(ctx), audit.SuppressionRequest{
		CheckName:          awsjson.Value(in.CheckName),
		Resource:           auditIdentifierFromWire(in.ResourceIdentifier),
		Expiration:         auditTimeOf(in.ExpirationDate),
		Indefinitely:       in.SuppressIndefinitely,
		Description:        in.Description,
		ClientRequestToken: awsjson.Value(in.ClientRequestToken),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.CreateAuditSuppressionResponse{}, nil
}

func (a *API) DescribeAuditSuppression(ctx context.Context, in *iotapi.DescribeAuditSuppressionRequest) (*iotapi.DescribeAuditSuppressionResponse, error) {
	s, err := a.audit.DescribeAuditSuppression(ctx, accountOf(ctx), awsjson.Value(in.CheckName), auditIdentifierFromWire(in.ResourceIdentifier))
	if err != nil {
		return nil, err
	}
	wire := auditSuppressionToWire(s)
	return &iotapi.DescribeAuditSuppressionResponse{CheckName: wire.CheckName, ResourceIdentifier: wire.ResourceIdentifier,
		ExpirationDate: wire.ExpirationDate, SuppressIndefinitely: wire.SuppressIndefinitely, Description: wire.Description}, nil
}

func auditSuppressionToWire(s iot.AuditSuppression) iotapi.AuditSuppression {
	return iotapi.AuditSuppression{
		CheckName:            awsjson.Ptr(s.CheckName),
		ResourceIdentifier:   auditIdentifierToWire(s.Resource),
		ExpirationDate:       auditTime(s.Expiration),
		SuppressIndefinitely: awsjson.Ptr(s.Indefinitely),
		Description:          optString(s.Description),
	}
}

func (a *API) UpdateAuditSuppression(ctx context.Context, in *iotapi.UpdateAuditSuppressionRequest) (*iotapi.UpdateAuditSuppressionResponse, error) {
	err := a.audit.UpdateAuditSuppression(ctx, accountOf(ctx), audit.SuppressionRequest{
		CheckName:    awsjson.Value(in.CheckName),
		Resource:     auditIdentifierFromWire(in.ResourceIdentifier),
		Expiration:   auditTimeOf(in.ExpirationDate),
		Indefinitely: in.SuppressIndefinitely,
		Description:  in.Description,
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.UpdateAuditSuppressionResponse{}, nil
}

func (a *API) DeleteAuditSuppression(ctx context.Context, in *iotapi.DeleteAuditSuppressionRequest) (*iotapi.DeleteAuditSuppressionResponse, error) {
	err := a.audit.DeleteAuditSuppression(ctx, accountOf(ctx), awsjson.Value(in.CheckName), auditIdentifierFromWire(in.ResourceIdentifier))
	if err != nil {
		return nil, err
	}
	return &iotapi.DeleteAuditSuppressionResponse{}, nil
}

// ListAuditSuppressions lists in ascending expiration order unless
// ascendingOrder is false.
func (a *API) ListAuditSuppressions(ctx context.Context, in *iotapi.ListAuditSuppressionsRequest) (*iotapi.ListAuditSuppressionsResponse, error) {
	req := audit.ListSuppressionsRequest{
		ListRequest: auditListRequest(in.NextToken, in.MaxResults),
		CheckName:   awsjson.Value(in.CheckName),
		Descending:  in.AscendingOrder != nil && !*in.AscendingOrder,
	}
	if in.ResourceIdentifier != nil {
		r := auditIdentifierFromWire(in.ResourceIdentifier)
		req.Resource = &r
	}
	list, next, err := a.audit.ListAuditSuppressions(ctx, accountOf(ctx), req)
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListAuditSuppressionsResponse{Suppressions: make([]iotapi.AuditSuppression, 0, len(list)), NextToken: optString(next)}
	for _, s := range list {
		out.Suppressions = append(out.Suppressions, auditSuppressionToWire(s))
	}
	return out, nil
}
