package server

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
)

// Tags of any taggable resource.

func (a *API) TagResource(ctx context.Context, in *iotapi.TagResourceRequest) (*iotapi.TagResourceResponse, error) {
	if err := a.registry.TagResource(ctx, accountOf(ctx), awsjson.Value(in.ResourceArn), tagsFromWire(in.Tags)); err != nil {
		return nil, err
	}
	return &iotapi.TagResourceResponse{}, nil
}

func (a *API) UntagResource(ctx context.Context, in *iotapi.UntagResourceRequest) (*iotapi.UntagResourceResponse, error) {
	if err := a.registry.UntagResource(ctx, accountOf(ctx), awsjson.Value(in.ResourceArn), in.TagKeys); err != nil {
		return nil, err
	}
	return &iotapi.UntagResourceResponse{}, nil
}

func (a *API) ListTagsForResource(ctx context.Context, in *iotapi.ListTagsForResourceRequest) (*iotapi.ListTagsForResourceResponse, error) {
	tags, next, err := a.registry.ListTagsForResource(ctx, accountOf(ctx), awsjson.Value(in.ResourceArn), awsjson.Value(in.NextToken))
	if err != nil {
		return nil, err
	}
	out := &iotapi.ListTagsForResourceResponse{Tags: make([]iotapi.Tag, 0, len(tags)), NextToken: optString(next)}
	for _, t := range tags {
		out.Tags = append(out.Tags, iotapi.Tag{Key: awsjson.Ptr(t.Key), Value: awsjson.Ptr(t.Value)})
	}
	return out, nil
}
