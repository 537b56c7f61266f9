package registry

import (
	"context"
	"errors"

	"github.com/iotdefender/iotdefender/internal/store"
)

// The audit's taggable resources, resolved by ARN for TagResource and
// ListTagsForResource.
func init() {
	registerResourceType("scheduledaudit", resourceType{Exists: scheduledAuditExists})
}

func scheduledAuditExists(ctx context.Context, tx store.ReadTx, name string) (bool, error) {
	_, err := tx.ScheduledAudit(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
