package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/audit/mitigation"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// The mitigation family: mitigation action definitions here, audit
// mitigation actions tasks in mitigation_task.go.

// WithMitigation sets the mitigation engine the mitigation operations use.
func (a *API) WithMitigation(e *mitigation.Engine) *API {
	a.mitigation = e
	return a
}

// paramsFromWire converts a MitigationActionParams; the engine checks that
// exactly one member is set.
func paramsFromWire(in *iotapi.MitigationActionParams) iot.MitigationActionParams {
	var p iot.MitigationActionParams
	if in == nil {
		return p
	}
	if u := in.UpdateDeviceCertificateParams; u != nil {
		p.UpdateDeviceCertificate = &iot.UpdateCertificateParams{Action: string(u.Action)}
	}
	if u := in.UpdateCACertificateParams; u != nil {
		p.UpdateCACertificate = &iot.UpdateCertificateParams{Action: string(u.Action)}
	}
	if g := in.AddThingsToThingGroupParams; g != nil {
		p.AddThingsToThingGroup = &iot.AddThingsToThingGroupParams{ThingGroupNames: g.ThingGroupNames,
			OverrideDynamicGroups: awsjson.Value(g.OverrideDynamicGroups)}
	}
	if r := in.ReplaceDefaultPolicyVersionParams; r != nil {
		p.ReplaceDefaultPolicyVersion = &iot.ReplaceDefaultPolicyVersionParams{TemplateName: string(r.TemplateName)}
	}
	if l := in.EnableIoTLoggingParams; l != nil {
		p.EnableIoTLogging = &iot.EnableIoTLoggingParams{RoleARNForLogging: awsjson.Value(l.RoleArnForLogging), LogLevel: iot.LogLevel(l.LogLevel)}
	}
	if n := in.PublishFindingToSnsParams; n != nil {
		p.PublishFindingToSNS = &iot.PublishFindingToSNSParams{TopicARN: awsjson.Value(n.TopicArn)}
	}
	return p
}

func paramsToWire(p iot.MitigationActionParams) *iotapi.MitigationActionParams {
	out := &iotapi.MitigationActionParams{}
	if u := p.UpdateDeviceCertificate; u != nil {
		out.UpdateDeviceCertificateParams = &iotapi.UpdateDeviceCertificateParams{Action: iotapi.DeviceCertificateUpdateAction(u.Action)}
	}
	if u := p.UpdateCACertificate; u != nil {
		out.UpdateCACertificateParams = &iotapi.UpdateCACertificateParams{Action: iotapi.CACertificateUpdateAction(u.Action)}
	}
	if g := p.AddThingsToThingGroup; g != nil {
		out.AddThingsToThingGroupParams = &iotapi.AddThingsToThingGroupParams{ThingGroupNames: g.ThingGroupNames,
			OverrideDynamicGroups: awsjson.Ptr(g.OverrideDynamicGroups)}
	}
	if r := p.ReplaceDefaultPolicyVersion; r != nil {
		out.ReplaceDefaultPolicyVersionParams = &iotapi.ReplaceDefaultPolicyVersionParams{TemplateName: iotapi.PolicyTemplateName(r.TemplateName)}
	}
	if l := p.EnableIoTLogging; l != nil {
		out.EnableIoTLoggingParams = &iotapi.EnableIoTLoggingParams{RoleArnForLogging: awsjson.Ptr(l.RoleARNForLogging), LogLevel: iotapi.LogLevel(l.LogLevel)}
	}
	if n := p.PublishFindingToSNS; n != nil {
		out.PublishFindingToSnsParams = &iotapi.PublishFindingToSnsParams{TopicArn: awsjson.Ptr(n.TopicARN)}
	}
	return out
}

func (a *API) CreateMitigationAction(ctx context.Context, in *iotapi.CreateMitigationActionRequest) (*iotapi.CreateMitigationActionResponse, error) {
	action, err := a.mitigation.CreateMitigationAction(ctx, accountOf(ctx), mitigation.CreateActionRequest{
		Name: awsjson.Value(in.ActionName), RoleARN: awsjson.Value(in.RoleArn), Params: paramsFromWire(in.ActionParams),
		Tags: tagsFromWire(in.Tags),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.CreateMitigationActionResponse{ActionArn: awsjson.Ptr(action.ARN), ActionId: awsjson.Ptr(action.ID)}, nil
}

func (a *API) DescribeMitigationAction(ctx context.Context, in *iotapi.DescribeMitigationActionRequest) (*iotapi.DescribeMitigationActionResponse, error) {
	action, err := a.mitigation.DescribeMitigationAction(ctx, accountOf(ctx), awsjson.Value(in.ActionName))
	if err != nil {
		return nil, err
	}
	return &iotapi.DescribeMitigationActionResponse{
		ActionName: awsjson.Ptr(action.Name), ActionType: iotapi.MitigationActionType(action.Type),
		ActionArn: awsjson.Ptr(action.ARN), ActionId: awsjson.Ptr(action.ID), RoleArn: awsjson.Ptr(action.RoleARN),
		ActionParams: paramsToWire(action.Params), CreationDate: awsjson.NewTime(action.CreatedAt),
		LastModifiedDate: awsjson.NewTime(action.LastModifiedAt),
	}, nil
}

func (a *API) ListMitigationActions(ctx context.Context, in *iotapi.ListMitigationActionsRequest) (*iotapi.ListMitigationActionsResponse, error) {
	actions, next, err := a.mitigation.ListMitigationActions(ctx, accountOf(ctx), mitigation.ListActionsRequest{
		ListRequest: mitigationListRequest(in.NextToken, in.MaxResults), Type: iot.MitigationActionType(in.ActionType),
	})
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListMitigationActionsResponse{ActionIdentifiers: make([]iotapi.MitigationActionIdentifier, 0, len(actions)),
		NextToken: optString(next)}
	for _, action := range actions {
		out.ActionIdentifiers = append(out.ActionIdentifiers, iotapi.MitigationActionIdentifier{
			ActionName: awsjson.Ptr(action.Name), ActionArn: awsjson.Ptr(action.ARN), CreationDate: awsjson.NewTime(action.CreatedAt)})
	}
	return out, nil
}

func (a *API) UpdateMitigationAction(ctx context.Context, in *iotapi.UpdateMitigationActionRequest) (*iotapi.UpdateMitigationActionResponse, error) {
	req := mitigation.UpdateActionRequest{Name: awsjson.Value(in.ActionName), RoleARN: in.RoleArn}
	if in.ActionParams != nil {
		p := paramsFromWire(in.ActionParams)
		req.Params = &p
	}
	action, err := a.mitigation.UpdateMitigationAction(ctx, accountOf(ctx), req)
	if err != nil {
		return nil, err
	}
	return &iotapi.UpdateMitigationActionResponse{ActionArn: awsjson.Ptr(action.ARN), ActionId: awsjson.Ptr(action.ID)}, nil
}

func (a *API) DeleteMitigationAction(ctx context.Context, in *iotapi.DeleteMitigationActionRequest) (*iotapi.DeleteMitigationActionResponse, error) {
	if err := a.mitigation.DeleteMitigationAction(ctx, accountOf(ctx), awsjson.Value(in.ActionName)); err != nil {
		return nil, err
	}
	return &iotapi.DeleteMitigationActionResponse{}, nil
}

func mitigationListRequest(next *string, maxResults *int32) mitigation.ListRequest {
	return mitigation.ListRequest{NextToken: awsjson.Value(next), MaxResults: int(awsjson.Value(maxResults))}
}
