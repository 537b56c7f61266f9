package registry

import (
	"encoding/base64"
	"errors"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The older list operations (ListPolicies, ListRoleAliases, the attachment
// listings) page with marker/nextMarker and pageSize instead of
// nextToken/maxResults, and sort by name in either direction.

// defaultMarkerPageSize is the page size when a request gives none [inferred:
// AWS does not document one; 25 is the common default of the IoT API].
const defaultMarkerPageSize = 25

// MarkerRequest is the paging part of a marker-paged list operation.
type MarkerRequest struct {
	Marker   string
	PageSize int // 0: the default
	// Ascending sorts by name ascending; AWS's default, without it, is
	// descending (as its CLI examples show).
	Ascending bool
}

// markerPage turns a marker into a store page of the listing named by scope.
// A marker is a sealed page token in standard base64, the alphabet the model
// allows for markers.
func (r *Registry) markerPage(account, scope string, req MarkerRequest) (store.Page, error) {
	token := ""
	if req.Marker != "" {
		raw, err := base64.StdEncoding.DecodeString(req.Marker)
		if err != nil {
			return store.Page{}, invalidMarker()
		}
		token = base64.RawURLEncoding.EncodeToString(raw)
	}
	p, err := r.page(account, scope, ListRequest{NextToken: token, MaxResults: req.PageSize}, defaultMarkerPageSize)
	if err != nil && errors.Is(err, iot.InvalidRequest) && req.Marker != "" {
		return store.Page{}, invalidMarker()
	}
	return p, err
}

// nextMarker returns the marker of the page after lastKey, or "" at the end.
func (r *Registry) nextMarker(account, scope string, more bool, lastKey string) string {
	token := r.nextToken(account, scope, more, lastKey)
	if token == "" {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		panic("registry: a sealed page token is not base64: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(raw)
}

func invalidMarker() error {
	return iot.Errorf(iot.InvalidRequest, "The marker is not valid for this request; start the listing again without it.")
}

// orderScope names the sort order in a listing's scope, so that a marker of
// one order is refused by the other.
func orderScope(ascending bool) string {
	if ascending {
		return "asc"
	}
	return "desc"
}
