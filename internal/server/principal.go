package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Thing principals: the certificates (and Cognito identities) attached to things.

func (a *API) AttachThingPrincipal(ctx context.Context, in *iotapi.AttachThingPrincipalRequest) (*iotapi.AttachThingPrincipalResponse, error) {
	err := a.registry.AttachThingPrincipal(ctx, accountOf(ctx), awsjson.Value(in.ThingName), awsjson.Value(in.Principal),
		iot.ThingPrincipalType(in.ThingPrincipalType))
	if err != nil {
		return nil, err
	}
	return &iotapi.AttachThingPrincipalResponse{}, nil
}

func (a *API) DetachThingPrincipal(ctx context.Context, in *iotapi.DetachThingPrincipalRequest) (*iotapi.DetachThingPrincipalResponse, error) {
	if err := a.registry.DetachThingPrincipal(ctx, accountOf(ctx), awsjson.Value(in.ThingName), awsjson.Value(in.Principal)); err != nil {
		return nil, err
	}
	return &iotapi.DetachThingPrincipalResponse{}, nil
}

func (a *API) ListThingPrincipals(ctx context.Context, in *iotapi.ListThingPrincipalsRequest) (*iotapi.ListThingPrincipalsResponse, error) {
	ps, next, err := a.registry.ListThingPrincipals(ctx, accountOf(ctx), awsjson.Value(in.ThingName), "", listRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.Principal)
	}
	return &iotapi.ListThingPrincipalsResponse{Principals: out, NextToken: optString(next)}, nil
}

func (a *API) ListThingPrincipalsV2(ctx context.Context, in *iotapi.ListThingPrincipalsV2Request) (*iotapi.ListThingPrincipalsV2Response, error) {
	ps, next, err := a.registry.ListThingPrincipals(ctx, accountOf(ctx), awsjson.Value(in.ThingName),
		iot.ThingPrincipalType(in.ThingPrincipalType), listRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := make([]iotapi.ThingPrincipalObject, 0, len(ps))
	for _, p := range ps {
		out = append(out, iotapi.ThingPrincipalObject{Principal: &p.Principal, ThingPrincipalType: iotapi.ThingPrincipalType(p.Type)})
	}
	return &iotapi.ListThingPrincipalsV2Response{ThingPrincipalObjects: out, NextToken: optString(next)}, nil
}

func (a *API) ListPrincipalThings(ctx context.Context, in *iotapi.ListPrincipalThingsRequest) (*iotapi.ListPrincipalThingsResponse, error) {
	ps, next, err := a.registry.ListPrincipalThings(ctx, accountOf(ctx), awsjson.Value(in.Principal), "", listRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, p.ThingName)
	}
	return &iotapi.ListPrincipalThingsResponse{Things: out, NextToken: optString(next)}, nil
}

func (a *API) ListPrincipalThingsV2(ctx context.Context, in *iotapi.ListPrincipalThingsV2Request) (*iotapi.ListPrincipalThingsV2Response, error) {
	ps, next, err := a.registry.ListPrincipalThings(ctx, accountOf(ctx), awsjson.Value(in.Principal),
		iot.ThingPrincipalType(in.ThingPrincipalType), listRequest(in.NextToken, in.MaxResults))
	if err != nil {
		return nil, err
	}
	out := make([]iotapi.PrincipalThingObject, 0, len(ps))
	for _, p := range ps {
		out = append(out, iotapi.PrincipalThingObject{ThingName: &p.ThingName, ThingPrincipalType: iotapi.ThingPrincipalType(p.Type)})
	}
	return &iotapi.ListPrincipalThingsV2Response{PrincipalThingObjects: out, NextToken: optString(next)}, nil
}
