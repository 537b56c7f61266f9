package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
)

// Policy attachments, and the older principal forms of the same operations.

func (a *API) AttachPolicy(ctx context.Context, in *iotapi.AttachPolicyRequest) error {
	return a.registry.AttachPolicy(ctx, accountOf(ctx), awsjson.Value(in.PolicyName), awsjson.Value(in.Target))
}

func (a *API) DetachPolicy(ctx context.Context, in *iotapi.DetachPolicyRequest) error {
	return a.registry.DetachPolicy(ctx, accountOf(ctx), awsjson.Value(in.PolicyName), awsjson.Value(in.Target))
}

func (a *API) AttachPrincipalPolicy(ctx context.Context, in *iotapi.AttachPrincipalPolicyRequest) error {
	return a.registry.AttachPrincipalPolicy(ctx, accountOf(ctx), awsjson.Value(in.PolicyName), awsjson.Value(in.Principal))
}

func (a *API) DetachPrincipalPolicy(ctx context.Context, in *iotapi.DetachPrincipalPolicyRequest) error {
	return a.registry.DetachPrincipalPolicy(ctx, accountOf(ctx), awsjson.Value(in.PolicyName), awsjson.Value(in.Principal))
}

func (a *API) ListAttachedPolicies(ctx context.Context, in *iotapi.ListAttachedPoliciesRequest) (*iotapi.ListAttachedPoliciesResponse, error) {
	policies, next, err := a.registry.ListAttachedPolicies(ctx, accountOf(ctx), awsjson.Value(in.Target), awsjson.Value(in.Recursive),
		markerRequest(in.Marker, in.PageSize, nil))
	if err != nil {
		return nil, err
	}
	return &iotapi.ListAttachedPoliciesResponse{Policies: wirePolicies(policies), NextMarker: optString(next)}, nil
}

func (a *API) ListPrincipalPolicies(ctx context.Context, in *iotapi.ListPrincipalPoliciesRequest) (*iotapi.ListPrincipalPoliciesResponse, error) {
	policies, next, err := a.registry.ListPrincipalPolicies(ctx, accountOf(ctx), awsjson.Value(in.Principal),
		markerRequest(in.Marker, in.PageSize, in.AscendingOrder))
	if err != nil {
		return nil, err
	}
	return &iotapi.ListPrincipalPoliciesResponse{Policies: wirePolicies(policies), NextMarker: optString(next)}, nil
}

func (a *API) ListTargetsForPolicy(ctx context.Context, in *iotapi.ListTargetsForPolicyRequest) (*iotapi.ListTargetsForPolicyResponse, error) {
	targets, next, err := a.registry.ListTargetsForPolicy(ctx, accountOf(ctx), awsjson.Value(in.PolicyName),
		markerRequest(in.Marker, in.PageSize, nil))
	if err != nil {
		return nil, err
	}
	return &iotapi.ListTargetsForPolicyResponse{Targets: targets, NextMarker: optString(next)}, nil
}

func (a *API) ListPolicyPrincipals(ctx context.Context, in *iotapi.ListPolicyPrincipalsRequest) (*iotapi.ListPolicyPrincipalsResponse, error) {
	principals, next, err := a.registry.ListPolicyPrincipals(ctx, accountOf(ctx), awsjson.Value(in.PolicyName),
		markerRequest(in.Marker, in.PageSize, in.AscendingOrder))
	if err != nil {
		return nil, err
	}
	return &iotapi.ListPolicyPrincipalsResponse{Principals: principals, NextMarker: optString(next)}, nil
}
