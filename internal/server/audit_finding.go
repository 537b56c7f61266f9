package server

import (
	"context"
	"time"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/audit"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Audit findings and the resource identifiers they, and suppressions, name.

func auditIdentifierFromWire(r *iotapi.ResourceIdentifier) iot.ResourceIdentifier {
	if r == nil {
		return iot.ResourceIdentifier{}
	}
	out := iot.ResourceIdentifier{
		DeviceCertificateID:   awsjson.Value(r.DeviceCertificateId),
		CACertificateID:       awsjson.Value(r.CaCertificateId),
		CognitoIdentityPoolID: awsjson.Value(r.CognitoIdentityPoolId),
		ClientID:              awsjson.Value(r.ClientId),
		Account:               awsjson.Value(r.Account),
		IAMRoleARN:            awsjson.Value(r.IamRoleArn),
		RoleAliasARN:          awsjson.Value(r.RoleAliasArn),
		DeviceCertificateARN:  awsjson.Value(r.DeviceCertificateArn),
	}
	if p := r.PolicyVersionIdentifier; p != nil {
		out.PolicyVersion = &iot.PolicyVersionIdentifier{PolicyName: awsjson.Value(p.PolicyName), PolicyVersionID: awsjson.Value(p.PolicyVersionId)}
	}
	if c := r.IssuerCertificateIdentifier; c != nil {
		out.IssuerCertificate = &iot.IssuerCertificateIdentifier{Subject: awsjson.Value(c.IssuerCertificateSubject),
			IssuerID: awsjson.Value(c.IssuerId), SerialNumber: awsjson.Value(c.IssuerCertificateSerialNumber)}
	}
	return out
}

func auditIdentifierToWire(r iot.ResourceIdentifier) *iotapi.ResourceIdentifier {
	out := &iotapi.ResourceIdentifier{
		DeviceCertificateId:   optString(r.DeviceCertificateID),
		CaCertificateId:       optString(r.CACertificateID),
		CognitoIdentityPoolId: optString(r.CognitoIdentityPoolID),
		ClientId:              optString(r.ClientID),
		Account:               optString(r.Account),
		IamRoleArn:            optString(r.IAMRoleARN),
		RoleAliasArn:          optString(r.RoleAliasARN),
		DeviceCertificateArn:  optString(r.DeviceCertificateARN),
	}
	if p := r.PolicyVersion; p != nil {
		out.PolicyVersionIdentifier = &iotapi.PolicyVersionIdentifier{PolicyName: optString(p.PolicyName), PolicyVersionId: optString(p.PolicyVersionID)}
	}
	if c := r.IssuerCertificate; c != nil {
		out.IssuerCertificateIdentifier = &iotapi.IssuerCertificateIdentifier{IssuerCertificateSubject: optString(c.Subject),
			IssuerId: optString(c.IssuerID), IssuerCertificateSerialNumber: optString(c.SerialNumber)}
	}
	return out
}

func auditRelatedToWire(r iot.AuditResource) iotapi.RelatedResource {
	return iotapi.RelatedResource{ResourceType: iotapi.ResourceType(r.Type), ResourceIdentifier: auditIdentifierToWire(r.Identifier),
		AdditionalInfo: r.AdditionalInfo}
}

// auditFindingToWire always sends isSuppressed (reference 5).
func auditFindingToWire(f iot.AuditFinding) iotapi.AuditFinding {
	out := iotapi.AuditFinding{
		FindingId:     awsjson.Ptr(f.ID),
		TaskId:        awsjson.Ptr(f.TaskID),
		CheckName:     awsjson.Ptr(f.CheckName),
		TaskStartTime: awsjson.NewTime(f.TaskStartTime),
		FindingTime:   awsjson.NewTime(f.FindingTime),
		Severity:      iotapi.AuditFindingSeverity(f.Severity),
		NonCompliantResource: &iotapi.NonCompliantResource{ResourceType: iotapi.ResourceType(f.Resource.Type),
			ResourceIdentifier: auditIdentifierToWire(f.Resource.Identifier), AdditionalInfo: f.Resource.AdditionalInfo},
		ReasonForNonCompliance:     optString(f.Reason),
		ReasonForNonComplianceCode: optString(f.ReasonCode),
		IsSuppressed:               awsjson.Ptr(f.Suppressed),
	}
	if len(f.Related) > 0 {
		out.RelatedResources = make([]iotapi.RelatedResource, len(f.Related))
		for i, r := range f.Related {
			out.RelatedResources[i] = auditRelatedToWire(r)
		}
	}
	return out
}

func auditTimeOf(t *awsjson.Time) *time.Time {
	if t == nil {
		return nil
	}
	return &t.Time
}

func (a *API) ListAuditFindings(ctx context.Context, in *iotapi.ListAuditFindingsRequest) (*iotapi.ListAuditFindingsResponse, error) {
	req := audit.ListFindingsRequest{
		ListRequest: auditListRequest(in.NextToken, in.MaxResults),
		TaskID:      awsjson.Value(in.TaskId),
		From:        auditTimeOf(in.StartTime),
		To:          auditTimeOf(in.EndTime),
		CheckName:   awsjson.Value(in.CheckName),
		Suppressed:  in.ListSuppressedFindings,
	}
	if in.ResourceIdentifier != nil {
		r := auditIdentifierFromWire(in.ResourceIdentifier)
		req.Resource = &r
	}
	findings, next, err := a.audit.ListAuditFindings(ctx, accountOf(ctx), req)
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListAuditFindingsResponse{Findings: make([]iotapi.AuditFinding, 0, len(findings)), NextToken: optString(next)}
	for _, f := range findings {
		out.Findings = append(out.Findings, auditFindingToWire(f))
	}
	return out, nil
}

func (a *API) DescribeAuditFinding(ctx context.Context, in *iotapi.DescribeAuditFindingRequest) (*iotapi.DescribeAuditFindingResponse, error) {
	f, err := a.audit.DescribeAuditFinding(ctx, accountOf(ctx), awsjson.Value(in.FindingId))
	if err != nil {
		return nil, err
	}
	wire := auditFindingToWire(f)
	return &iotapi.DescribeAuditFindingResponse{Finding: &wire}, nil
}

func (a *API) ListRelatedResourcesForAuditFinding(ctx context.Context, in *iotapi.ListRelatedResourcesForAuditFindingRequest) (*iotapi.ListRelatedResourcesForAuditFindingResponse, error) {
	related, next, err := a.audit.ListRelatedResourcesForAuditFinding(ctx, accountOf(ctx), awsjson.Value(in.FindingId),
		auditListRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListRelatedResourcesForAuditFindingResponse{RelatedResources: make([]iotapi.RelatedResource, 0, len(related)),
		NextToken: optString(next)}
	for _, r := range related {
		out.RelatedResources = append(out.RelatedResources, auditRelatedToWire(r))
	}
	return out, nil
}
