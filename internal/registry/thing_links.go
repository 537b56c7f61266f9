package registry

import (
	"context"
	"slices"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// Where the thing family meets the others: its resources resolve by ARN (for
// tags, policy targets and logging targets), and a thing keeps its principals
// (certificate family).

func init() {
	registerResourceType("thing", resourceType{Exists: thingResourceExists})
	registerResourceType("thingtype", resourceType{Exists: thingTypeResourceExists})
	registerResourceType("thinggroup", resourceType{Exists: thingGroupResourceExists, Ancestors: thingGroupAncestors})
}

func thingResourceExists(ctx context.Context, tx store.ReadTx, name string) (bool, error) {
	return found(tx.Thing(ctx, name))
}

func thingTypeResourceExists(ctx context.Context, tx store.ReadTx, name string) (bool, error) {
	return found(tx.ThingType(ctx, name))
}

func thingGroupResourceExists(ctx context.Context, tx store.ReadTx, name string) (bool, error) {
	return found(tx.ThingGroup(ctx, name))
}

// thingGroupAncestors lists a group's ancestors from its parent up to the root,
// the order in which policies are inherited.
func thingGroupAncestors(ctx context.Context, tx store.ReadTx, name string) ([]string, error) {
	g, err := tx.ThingGroup(ctx, name)
	if err != nil {
		return nil, notFound(err, "Thing group %s does not exist.", name)
	}
	out := slices.Clone(g.Ancestors)
	slices.Reverse(out)
	return out, nil
}

// checkNoThingPrincipals refuses to delete a thing that principals are still
// attached to, as AWS does (with this message).
func checkNoThingPrincipals(ctx context.Context, tx store.ReadTx, name string) error {
	ps, _, err := tx.ThingPrincipals(ctx, name, "", store.Page{Limit: 1})
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		return iot.Errorf(iot.InvalidRequest, "Cannot delete. Thing %s is still attached to one or more principals", name)
	}
	return nil
}
