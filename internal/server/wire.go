package server

import (
	"github.com/iotdefender/iotdefender/internal/api/awsjson"
	"github.com/iotdefender/iotdefender/internal/api/iotapi"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/registry"
)

// Conversions every resource family's adapter shares.

// optString returns a pointer to s, or nil for "" (an absent member).
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// listRequest returns the paging part of a nextToken-paged list request.
func listRequest(next *string, maxResults *int32) registry.ListRequest {
	return registry.ListRequest{NextToken: awsjson.Value(next), MaxResults: int(awsjson.Value(maxResults))}
}

// markerRequest returns the paging part of a marker-paged list request.
func markerRequest(marker *string, pageSize *int32, ascending *bool) registry.MarkerRequest {
	return registry.MarkerRequest{Marker: awsjson.Value(marker), PageSize: int(awsjson.Value(pageSize)), Ascending: awsjson.Value(ascending)}
}

// tagsFromWire converts the tags of a request.
func tagsFromWire(tags []iotapi.Tag) []iot.Tag {
	out := make([]iot.Tag, 0, len(tags))
	for _, t := range tags {
		out = append(out, iot.Tag{Key: awsjson.Value(t.Key), Value: awsjson.Value(t.Value)})
	}
	return out
}
