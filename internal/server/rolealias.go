package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/registry"
)

// Role aliases.

func (a *API) CreateRoleAlias(ctx context.Context, in *iotapi.CreateRoleAliasRequest) (*iotapi.CreateRoleAliasResponse, error) {
	ra, err := a.registry.CreateRoleAlias(ctx, accountOf(ctx), registry.CreateRoleAliasRequest{
		Alias: awsjson.Value(in.RoleAlias), RoleARN: awsjson.Value(in.RoleArn),
		CredentialDurationSeconds: int(awsjson.Value(in.CredentialDurationSeconds)), Tags: tagsFromWire(in.Tags),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.CreateRoleAliasResponse{RoleAlias: awsjson.Ptr(ra.Alias), RoleAliasArn: awsjson.Ptr(ra.ARN)}, nil
}

func (a *API) DescribeRoleAlias(ctx context.Context, in *iotapi.DescribeRoleAliasRequest) (*iotapi.DescribeRoleAliasResponse, error) {
	ra, err := a.registry.DescribeRoleAlias(ctx, accountOf(ctx), awsjson.Value(in.RoleAlias))
	if err != nil {
		return nil, err
	}
	return &iotapi.DescribeRoleAliasResponse{RoleAliasDescription: &iotapi.RoleAliasDescription{
		RoleAlias: awsjson.Ptr(ra.Alias), RoleAliasArn: awsjson.Ptr(ra.ARN), RoleArn: awsjson.Ptr(ra.RoleARN), Owner: awsjson.Ptr(ra.Owner),
		CredentialDurationSeconds: awsjson.Ptr(int32(ra.CredentialDurationSeconds)),
		CreationDate:              awsjson.NewTime(ra.CreatedAt), LastModifiedDate: awsjson.NewTime(ra.UpdatedAt),
	}}, nil
}

func (a *API) UpdateRoleAlias(ctx context.Context, in *iotapi.UpdateRoleAliasRequest) (*iotapi.UpdateRoleAliasResponse, error) {
	ra, err := a.registry.UpdateRoleAlias(ctx, accountOf(ctx), registry.UpdateRoleAliasRequest{
		Alias: awsjson.Value(in.RoleAlias), RoleARN: awsjson.Value(in.RoleArn),
		CredentialDurationSeconds: int(awsjson.Value(in.CredentialDurationSeconds)),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.UpdateRoleAliasResponse{RoleAlias: awsjson.Ptr(ra.Alias), RoleAliasArn: awsjson.Ptr(ra.ARN)}, nil
}

func (a *API) DeleteRoleAlias(ctx context.Context, in *iotapi.DeleteRoleAliasRequest) (*iotapi.DeleteRoleAliasResponse, error) {
	if err := a.registry.DeleteRoleAlias(ctx, accountOf(ctx), awsjson.Value(in.RoleAlias)); err != nil {
		return nil, err
	}
	return &iotapi.DeleteRoleAliasResponse{}, nil
}

func (a *API) ListRoleAliases(ctx context.Context, in *iotapi.ListRoleAliasesRequest) (*iotapi.ListRoleAliasesResponse, error) {
	aliases, next, err := a.registry.ListRoleAliases(ctx, accountOf(ctx), markerRequest(in.Marker, in.PageSize, in.AscendingOrder))
	if err != nil {
		return nil, err
	}
	return &iotapi.ListRoleAliasesResponse{RoleAliases: aliases, NextMarker: optString(next)}, nil
}
