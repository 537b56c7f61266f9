package server

import (
	"context"
	"strconv"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
)

// The policy family: IoT policies, their versions, and their attachments.

// wirePolicies converts policies to their list entries.
func wirePolicies(policies []iot.Policy) []iotapi.Policy {
	out := make([]iotapi.Policy, 0, len(policies))
	for _, p := range policies {
		out = append(out, iotapi.Policy{PolicyName: awsjson.Ptr(p.Name), PolicyArn: awsjson.Ptr(p.ARN)})
	}
	return out
}

func versionIDString(id int) *string { return awsjson.Ptr(strconv.Itoa(id)) }

func (a *API) CreatePolicy(ctx context.Context, in *iotapi.CreatePolicyRequest) (*iotapi.CreatePolicyResponse, error) {
	p, err := a.registry.CreatePolicy(ctx, accountOf(ctx), registry.CreatePolicyRequest{
		Name: awsjson.Value(in.PolicyName), Document: awsjson.Value(in.PolicyDocument), Tags: tagsFromWire(in.Tags),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.CreatePolicyResponse{PolicyName: awsjson.Ptr(p.Name), PolicyArn: awsjson.Ptr(p.ARN),
		PolicyDocument: in.PolicyDocument, PolicyVersionId: versionIDString(p.DefaultVersionID)}, nil
}

func (a *API) GetPolicy(ctx context.Context, in *iotapi.GetPolicyRequest) (*iotapi.GetPolicyResponse, error) {
	p, v, err := a.registry.GetPolicy(ctx, accountOf(ctx), awsjson.Value(in.PolicyName))
	if err != nil {
		return nil, err
	}
	return &iotapi.GetPolicyResponse{
		PolicyName: awsjson.Ptr(p.Name), PolicyArn: awsjson.Ptr(p.ARN), PolicyDocument: awsjson.Ptr(v.Document),
		DefaultVersionId: versionIDString(p.DefaultVersionID), GenerationId: awsjson.Ptr(p.GenerationID),
		CreationDate: awsjson.NewTime(p.CreatedAt), LastModifiedDate: awsjson.NewTime(p.UpdatedAt),
	}, nil
}

func (a *API) DeletePolicy(ctx context.Context, in *iotapi.DeletePolicyRequest) error {
	return a.registry.DeletePolicy(ctx, accountOf(ctx), awsjson.Value(in.PolicyName))
}

func (a *API) ListPolicies(ctx context.Context, in *iotapi.ListPoliciesRequest) (*iotapi.ListPoliciesResponse, error) {
	policies, next, err := a.registry.ListPolicies(ctx, accountOf(ctx), markerRequest(in.Marker, in.PageSize, in.AscendingOrder))
	if err != nil {
		return nil, err
	}
	return &iotapi.ListPoliciesResponse{Policies: wirePolicies(policies), NextMarker: optString(next)}, nil
}

func (a *API) CreatePolicyVersion(ctx context.Context, in *iotapi.CreatePolicyVersionRequest) (*iotapi.CreatePolicyVersionResponse, error) {
	name := awsjson.Value(in.PolicyName)
	v, err := a.registry.CreatePolicyVersion(ctx, accountOf(ctx), name, awsjson.Value(in.PolicyDocument), awsjson.Value(in.SetAsDefault))
	if err != nil {
		return nil, err
	}
	return &iotapi.CreatePolicyVersionResponse{
		PolicyArn: awsjson.Ptr(a.registry.PolicyARN(accountOf(ctx), name)), PolicyDocument: awsjson.Ptr(v.Document),
		PolicyVersionId: versionIDString(v.VersionID), IsDefaultVersion: awsjson.Ptr(v.IsDefault),
	}, nil
}

func (a *API) GetPolicyVersion(ctx context.Context, in *iotapi.GetPolicyVersionRequest) (*iotapi.GetPolicyVersionResponse, error) {
	p, v, err := a.registry.GetPolicyVersion(ctx, accountOf(ctx), awsjson.Value(in.PolicyName), awsjson.Value(in.PolicyVersionId))
	if err != nil {
		return nil, err
	}
	return &iotapi.GetPolicyVersionResponse{
		PolicyName: awsjson.Ptr(p.Name), PolicyArn: awsjson.Ptr(p.ARN), PolicyDocument: awsjson.Ptr(v.Document),
		PolicyVersionId: versionIDString(v.VersionID), IsDefaultVersion: awsjson.Ptr(v.IsDefault),
		GenerationId: awsjson.Ptr(p.GenerationID), CreationDate: awsjson.NewTime(v.CreatedAt),
		LastModifiedDate: awsjson.NewTime(p.UpdatedAt),
	}, nil
}

func (a *API) ListPolicyVersions(ctx context.Context, in *iotapi.ListPolicyVersionsRequest) (*iotapi.ListPolicyVersionsResponse, error) {
	versions, err := a.registry.ListPolicyVersions(ctx, accountOf(ctx), awsjson.Value(in.PolicyName))
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListPolicyVersionsResponse{PolicyVersions: make([]iotapi.PolicyVersion, 0, len(versions))}
	for _, v := range versions {
		out.PolicyVersions = append(out.PolicyVersions, iotapi.PolicyVersion{
			VersionId: versionIDString(v.VersionID), IsDefaultVersion: awsjson.Ptr(v.IsDefault), CreateDate: awsjson.NewTime(v.CreatedAt),
		})
	}
	return out, nil
}

func (a *API) SetDefaultPolicyVersion(ctx context.Context, in *iotapi.SetDefaultPolicyVersionRequest) error {
	return a.registry.SetDefaultPolicyVersion(ctx, accountOf(ctx), awsjson.Value(in.PolicyName), awsjson.Value(in.PolicyVersionId))
}

func (a *API) DeletePolicyVersion(ctx context.Context, in *iotapi.DeletePolicyVersionRequest) error {
	return a.registry.DeletePolicyVersion(ctx, accountOf(ctx), awsjson.Value(in.PolicyName), awsjson.Value(in.PolicyVersionId))
}
