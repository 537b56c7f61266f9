package registry

import (
	"context"

	"github.com/iotdefender/iotdefender/internal/store"
)

// AddThingToThingGroupTx is AddThingToThingGroup in the caller's transaction,
// for tx's account, with the group and the thing named: what the
// ADD_THINGS_TO_THING_GROUP mitigation action applies, recording its
// execution in the same transaction. Every rule of AddThingToThingGroup holds:
// both must exist, a thing is in at most iot.MaxGroupsPerThing groups and in
// one group of a hierarchy; adding it again is a no-op.
func (r *Registry) AddThingToThingGroupTx(ctx context.Context, tx store.Tx, group, thing string) error {
	g, err := tx.ThingGroup(ctx, group)
	if err != nil {
		return notFound(err, "Thing group %s does not exist.", group)
	}
	if err := thingExists(ctx, tx, thing); err != nil {
		return err
	}
	current, err := allGroupsOf(ctx, tx, thing)
	if err != nil {
		return err
	}
	return r.addMembership(ctx, tx, g, thing, &current)
}
