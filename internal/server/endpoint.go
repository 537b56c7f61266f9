package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
)

func (a *API) DescribeEndpoint(ctx context.Context, in *iotapi.DescribeEndpointRequest) (*iotapi.DescribeEndpointResponse, error) {
	address, err := a.registry.DescribeEndpoint(ctx, accountOf(ctx), awsjson.Value(in.EndpointType))
	if err != nil {
		return nil, err
	}
	return &iotapi.DescribeEndpointResponse{EndpointAddress: awsjson.Ptr(address)}, nil
}
