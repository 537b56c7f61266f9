package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
)

// The thing family: things, thing types, static thing groups.

// thingAttributesOf returns the attributes of a payload, and whether one was given.
func thingAttributesOf(p *iotapi.AttributePayload) (attrs map[string]string, given, merge bool) {
	if p == nil {
		return nil, false, false
	}
	// A payload without attributes changes nothing, even without merge [inferred].
	return p.Attributes, p.Attributes != nil, awsjson.Value(p.Merge)
}

// thingWireAttributes returns attributes as they travel: an object, {} when empty.
func thingWireAttributes(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// ---- things

func (a *API) CreateThing(ctx context.Context, in *iotapi.CreateThingRequest) (*iotapi.CreateThingResponse, error) {
	var attrs map[string]string
	if in.AttributePayload != nil {
		attrs = in.AttributePayload.Attributes
	}
	th, err := a.registry.CreateThing(ctx, accountOf(ctx), registry.CreateThingRequest{
		Name:         awsjson.Value(in.ThingName),
		TypeName:     awsjson.Value(in.ThingTypeName),
		Attributes:   attrs,
		BillingGroup: awsjson.Value(in.BillingGroupName),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.CreateThingResponse{ThingName: &th.Name, ThingArn: &th.ARN, ThingId: &th.ID}, nil
}

func (a *API) DescribeThing(ctx context.Context, in *iotapi.DescribeThingRequest) (*iotapi.DescribeThingResponse, error) {
	th, err := a.registry.DescribeThing(ctx, accountOf(ctx), awsjson.Value(in.ThingName))
	if err != nil {
		return nil, err
	}
	return &iotapi.DescribeThingResponse{
		DefaultClientId: &th.Name,
		ThingName:       &th.Name,
		ThingId:         &th.ID,
		ThingArn:        &th.ARN,
		ThingTypeName:   optString(th.TypeName),
		Attributes:      thingWireAttributes(th.Attributes),
		Version:         &th.Version,
	}, nil
}

func (a *API) UpdateThing(ctx context.Context, in *iotapi.UpdateThingRequest) (*iotapi.UpdateThingResponse, error) {
	attrs, given, merge := thingAttributesOf(in.AttributePayload)
	err := a.registry.UpdateThing(ctx, accountOf(ctx), registry.UpdateThingRequest{
		Name:            awsjson.Value(in.ThingName),
		TypeName:        awsjson.Value(in.ThingTypeName),
		RemoveType:      awsjson.Value(in.RemoveThingType),
		SetAttributes:   given,
		Attributes:      attrs,
		Merge:           merge,
		ExpectedVersion: in.ExpectedVersion,
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.UpdateThingResponse{}, nil
}

func (a *API) DeleteThing(ctx context.Context, in *iotapi.DeleteThingRequest) (*iotapi.DeleteThingResponse, error) {
	if err := a.registry.DeleteThing(ctx, accountOf(ctx), awsjson.Value(in.ThingName), in.ExpectedVersion); err != nil {
		return nil, err
	}
	return &iotapi.DeleteThingResponse{}, nil
}

func (a *API) ListThings(ctx context.Context, in *iotapi.ListThingsRequest) (*iotapi.ListThingsResponse, error) {
	things, next, err := a.registry.ListThings(ctx, accountOf(ctx), registry.ListThingsRequest{
		ListRequest:    listRequest(in.NextToken, in.MaxResults),
		TypeName:       awsjson.Value(in.ThingTypeName),
		AttributeName:  awsjson.Value(in.AttributeName),
		AttributeValue: awsjson.Value(in.AttributeValue),
		ValuePrefix:    awsjson.Value(in.UsePrefixAttributeValue),
	})
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListThingsResponse{Things: make([]iotapi.ThingAttribute, 0, len(things)), NextToken: optString(next)}
	for i := range things {
		th := &things[i]
		out.Things = append(out.Things, iotapi.ThingAttribute{
			ThingName:     &th.Name,
			ThingArn:      &th.ARN,
			ThingTypeName: optString(th.TypeName),
			Attributes:    thingWireAttributes(th.Attributes),
			Version:       &th.Version,
		})
	}
	return out, nil
}

// ---- thing types

// thingTypeProperties converts the wire properties of a thing type.
func thingTypeProperties(p *iotapi.ThingTypeProperties) registry.ThingTypeProperties {
	var out registry.ThingTypeProperties
	if p == nil {
		return out
	}
	out.Description = p.ThingTypeDescription
	out.SearchableAttributes = p.SearchableAttributes
	if p.Mqtt5Configuration != nil {
		out.SetPropagating = true
		out.PropagatingAttributes = []iot.PropagatingAttribute{}
		for _, pa := range p.Mqtt5Configuration.PropagatingAttributes {
			out.PropagatingAttributes = append(out.PropagatingAttributes, iot.PropagatingAttribute{
				UserPropertyKey:     awsjson.Value(pa.UserPropertyKey),
				ThingAttribute:      awsjson.Value(pa.ThingAttribute),
				ConnectionAttribute: awsjson.Value(pa.ConnectionAttribute),
			})
		}
	}
	return out
}

// wireThingTypeProperties returns the properties of a thing type as they travel.
func wireThingTypeProperties(tt *iot.ThingType) *iotapi.ThingTypeProperties {
	p := &iotapi.ThingTypeProperties{
		ThingTypeDescription: optString(tt.Description),
		SearchableAttributes: tt.SearchableAttributes,
	}
	if len(tt.PropagatingAttributes) > 0 {
		p.Mqtt5Configuration = &iotapi.Mqtt5Configuration{}
		for _, pa := range tt.PropagatingAttributes {
			p.Mqtt5Configuration.PropagatingAttributes = append(p.Mqtt5Configuration.PropagatingAttributes, iotapi.PropagatingAttribute{
				UserPropertyKey:     optString(pa.UserPropertyKey),
				ThingAttribute:      optString(pa.ThingAttribute),
				ConnectionAttribute: optString(pa.ConnectionAttribute),
			})
		}
	}
	return p
}

func wireThingTypeMetadata(tt *iot.ThingType) *iotapi.ThingTypeMetadata {
	m := &iotapi.ThingTypeMetadata{Deprecated: &tt.Deprecated, CreationDate: awsjson.NewTime(tt.CreatedAt)}
	if tt.Deprecated && !tt.DeprecatedAt.IsZero() {
		m.DeprecationDate = awsjson.NewTime(tt.DeprecatedAt)
	}
	return m
}

func (a *API) CreateThingType(ctx context.Context, in *iotapi.CreateThingTypeRequest) (*iotapi.CreateThingTypeResponse, error) {
	tt, err := a.registry.CreateThingType(ctx, accountOf(ctx), registry.CreateThingTypeRequest{
		Name:       awsjson.Value(in.ThingTypeName),
		Properties: thingTypeProperties(in.ThingTypeProperties),
		Tags:       tagsFromWire(in.Tags),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.CreateThingTypeResponse{ThingTypeName: &tt.Name, ThingTypeArn: &tt.ARN, ThingTypeId: &tt.ID}, nil
}

func (a *API) DescribeThingType(ctx context.Context, in *iotapi.DescribeThingTypeRequest) (*iotapi.DescribeThingTypeResponse, error) {
	tt, err := a.registry.DescribeThingType(ctx, accountOf(ctx), awsjson.Value(in.ThingTypeName))
	if err != nil {
		return nil, err
	}
	return &iotapi.DescribeThingTypeResponse{
		ThingTypeName:       &tt.Name,
		ThingTypeId:         &tt.ID,
		ThingTypeArn:        &tt.ARN,
		ThingTypeProperties: wireThingTypeProperties(&tt),
		ThingTypeMetadata:   wireThingTypeMetadata(&tt),
	}, nil
}

func (a *API) UpdateThingType(ctx context.Context, in *iotapi.UpdateThingTypeRequest) (*iotapi.UpdateThingTypeResponse, error) {
	err := a.registry.UpdateThingType(ctx, accountOf(ctx), awsjson.Value(in.ThingTypeName), thingTypeProperties(in.ThingTypeProperties))
	if err != nil {
		return nil, err
	}
	return &iotapi.UpdateThingTypeResponse{}, nil
}

func (a *API) DeprecateThingType(ctx context.Context, in *iotapi.DeprecateThingTypeRequest) (*iotapi.DeprecateThingTypeResponse, error) {
	if err := a.registry.DeprecateThingType(ctx, accountOf(ctx), awsjson.Value(in.ThingTypeName), awsjson.Value(in.UndoDeprecate)); err != nil {
		return nil, err
	}
	return &iotapi.DeprecateThingTypeResponse{}, nil
}

func (a *API) DeleteThingType(ctx context.Context, in *iotapi.DeleteThingTypeRequest) (*iotapi.DeleteThingTypeResponse, error) {
	if err := a.registry.DeleteThingType(ctx, accountOf(ctx), awsjson.Value(in.ThingTypeName)); err != nil {
		return nil, err
	}
	return &iotapi.DeleteThingTypeResponse{}, nil
}

func (a *API) ListThingTypes(ctx context.Context, in *iotapi.ListThingTypesRequest) (*iotapi.ListThingTypesResponse, error) {
	types, next, err := a.registry.ListThingTypes(ctx, accountOf(ctx), awsjson.Value(in.ThingTypeName), listRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListThingTypesResponse{ThingTypes: make([]iotapi.ThingTypeDefinition, 0, len(types)), NextToken: optString(next)}
	for i := range types {
		tt := &types[i]
		out.ThingTypes = append(out.ThingTypes, iotapi.ThingTypeDefinition{
			ThingTypeName:       &tt.Name,
			ThingTypeArn:        &tt.ARN,
			ThingTypeProperties: wireThingTypeProperties(tt),
			ThingTypeMetadata:   wireThingTypeMetadata(tt),
		})
	}
	return out, nil
}

// ---- thing groups

func (a *API) CreateThingGroup(ctx context.Context, in *iotapi.CreateThingGroupRequest) (*iotapi.CreateThingGroupResponse, error) {
	req := registry.CreateThingGroupRequest{
		Name:   awsjson.Value(in.ThingGroupName),
		Parent: awsjson.Value(in.ParentGroupName),
		Tags:   tagsFromWire(in.Tags),
	}
	if p := in.ThingGroupProperties; p != nil {
		req.Description = awsjson.Value(p.ThingGroupDescription)
		if p.AttributePayload != nil {
			req.Attributes = p.AttributePayload.Attributes
		}
	}
	g, err := a.registry.CreateThingGroup(ctx, accountOf(ctx), req)
	if err != nil {
		return nil, err
	}
	return &iotapi.CreateThingGroupResponse{ThingGroupName: &g.Name, ThingGroupArn: &g.ARN, ThingGroupId: &g.ID}, nil
}

func (a *API) DescribeThingGroup(ctx context.Context, in *iotapi.DescribeThingGroupRequest) (*iotapi.DescribeThingGroupResponse, error) {
	account := accountOf(ctx)
	g, err := a.registry.DescribeThingGroup(ctx, account, awsjson.Value(in.ThingGroupName))
	if err != nil {
		return nil, err
	}
	meta := &iotapi.ThingGroupMetadata{CreationDate: awsjson.NewTime(g.CreatedAt), ParentGroupName: optString(g.Parent)}
	for _, name := range g.Ancestors {
		meta.RootToParentThingGroups = append(meta.RootToParentThingGroups, iotapi.GroupNameAndArn{
			GroupName: awsjson.Ptr(name),
			GroupArn:  awsjson.Ptr(a.registry.ThingGroupARN(account, name)),
		})
	}
	return &iotapi.DescribeThingGroupResponse{
		ThingGroupName: &g.Name,
		ThingGroupId:   &g.ID,
		ThingGroupArn:  &g.ARN,
		Version:        &g.Version,
		ThingGroupProperties: &iotapi.ThingGroupProperties{
			ThingGroupDescription: optString(g.Description),
			AttributePayload:      &iotapi.AttributePayload{Attributes: thingWireAttributes(g.Attributes)},
		},
		ThingGroupMetadata: meta,
	}, nil
}

func (a *API) UpdateThingGroup(ctx context.Context, in *iotapi.UpdateThingGroupRequest) (*iotapi.UpdateThingGroupResponse, error) {
	req := registry.UpdateThingGroupRequest{Name: awsjson.Value(in.ThingGroupName), ExpectedVersion: in.ExpectedVersion}
	if p := in.ThingGroupProperties; p != nil {
		req.Description = p.ThingGroupDescription
		req.Attributes, req.SetAttributes, req.Merge = thingAttributesOf(p.AttributePayload)
	}
	version, err := a.registry.UpdateThingGroup(ctx, accountOf(ctx), req)
	if err != nil {
		return nil, err
	}
	return &iotapi.UpdateThingGroupResponse{Version: &version}, nil
}

func (a *API) DeleteThingGroup(ctx context.Context, in *iotapi.DeleteThingGroupRequest) (*iotapi.DeleteThingGroupResponse, error) {
	if err := a.registry.DeleteThingGroup(ctx, accountOf(ctx), awsjson.Value(in.ThingGroupName), in.ExpectedVersion); err != nil {
		return nil, err
	}
	return &iotapi.DeleteThingGroupResponse{}, nil
}

// thingGroupRefs returns groups as the listings carry them.
func thingGroupRefs(groups []iot.ThingGroup) []iotapi.GroupNameAndArn {
	out := make([]iotapi.GroupNameAndArn, 0, len(groups))
	for i := range groups {
		out = append(out, iotapi.GroupNameAndArn{GroupName: &groups[i].Name, GroupArn: &groups[i].ARN})
	}
	return out
}

func (a *API) ListThingGroups(ctx context.Context, in *iotapi.ListThingGroupsRequest) (*iotapi.ListThingGroupsResponse, error) {
	groups, next, err := a.registry.ListThingGroups(ctx, accountOf(ctx), registry.ListThingGroupsRequest{
		ListRequest: listRequest(in.NextToken, in.MaxResults),
		Parent:      awsjson.Value(in.ParentGroup),
		Recursive:   in.Recursive,
		NamePrefix:  awsjson.Value(in.NamePrefixFilter),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.ListThingGroupsResponse{ThingGroups: thingGroupRefs(groups), NextToken: optString(next)}, nil
}

func (a *API) AddThingToThingGroup(ctx context.Context, in *iotapi.AddThingToThingGroupRequest) (*iotapi.AddThingToThingGroupResponse, error) {
	err := a.registry.AddThingToThingGroup(ctx, accountOf(ctx), registry.ThingGroupMembership{
		GroupName: awsjson.Value(in.ThingGroupName), GroupARN: awsjson.Value(in.ThingGroupArn),
		ThingName: awsjson.Value(in.ThingName), ThingARN: awsjson.Value(in.ThingArn),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.AddThingToThingGroupResponse{}, nil
}

func (a *API) RemoveThingFromThingGroup(ctx context.Context, in *iotapi.RemoveThingFromThingGroupRequest) (*iotapi.RemoveThingFromThingGroupResponse, error) {
	err := a.registry.RemoveThingFromThingGroup(ctx, accountOf(ctx), registry.ThingGroupMembership{
		GroupName: awsjson.Value(in.ThingGroupName), GroupARN: awsjson.Value(in.ThingGroupArn),
		ThingName: awsjson.Value(in.ThingName), ThingARN: awsjson.Value(in.ThingArn),
	})
	if err != nil {
		return nil, err
	}
	return &iotapi.RemoveThingFromThingGroupResponse{}, nil
}

func (a *API) UpdateThingGroupsForThing(ctx context.Context, in *iotapi.UpdateThingGroupsForThingRequest) (*iotapi.UpdateThingGroupsForThingResponse, error) {
	err := a.registry.UpdateThingGroupsForThing(ctx, accountOf(ctx), awsjson.Value(in.ThingName), in.ThingGroupsToAdd, in.ThingGroupsToRemove)
	if err != nil {
		return nil, err
	}
	return &iotapi.UpdateThingGroupsForThingResponse{}, nil
}

func (a *API) ListThingsInThingGroup(ctx context.Context, in *iotapi.ListThingsInThingGroupRequest) (*iotapi.ListThingsInThingGroupResponse, error) {
	names, next, err := a.registry.ListThingsInThingGroup(ctx, accountOf(ctx), awsjson.Value(in.ThingGroupName),
		awsjson.Value(in.Recursive), listRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	return &iotapi.ListThingsInThingGroupResponse{Things: names, NextToken: optString(next)}, nil
}

func (a *API) ListThingGroupsForThing(ctx context.Context, in *iotapi.ListThingGroupsForThingRequest) (*iotapi.ListThingGroupsForThingResponse, error) {
	groups, next, err := a.registry.ListThingGroupsForThing(ctx, accountOf(ctx), awsjson.Value(in.ThingName),
		listRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	return &iotapi.ListThingGroupsForThingResponse{ThingGroups: thingGroupRefs(groups), NextToken: optString(next)}, nil
}
