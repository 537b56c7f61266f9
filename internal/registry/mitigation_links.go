package registry

import (
	"context"
	"errors"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// Mitigation action definitions are taggable: TagResource and
// ListTagsForResource resolve their ARNs (mitigationaction/<name>).
func init() {
	registerResourceType("mitigationaction", resourceType{Exists: mitigationActionExists})
}

func mitigationActionExists(ctx context.Context, tx store.ReadTx, name string) (bool, error) {
	_, err := tx.MitigationAction(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// CheckTags checks the tags of a create request of a resource kept outside
// the registry (a mitigation action), by the rules of every taggable
// resource.
func CheckTags(tags []iot.Tag) error { return checkTags(tags) }
