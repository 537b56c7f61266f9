package mitigation

import (
	"context"
	"errors"
	"slices"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// maxThingGroupNames is how many groups one ADD_THINGS_TO_THING_GROUP action
// names at most [M].
const maxThingGroupNames = 10

// ADD_THINGS_TO_THING_GROUP adds every thing attached to the finding's device
// certificates (ListPrincipalThings; see deviceCertificatesOf) to each group,
// in order, through the registry's AddThingToThingGroup and its rules: a
// thing already in the group stays; a thing at the 10-group limit, or already
// in another group of the group's hierarchy, fails the execution with
// INVALID_STATE_OF_RESOURCE. The groups must exist when the action is defined
// or updated [I]; one deleted since fails the execution. iotdefender has no
// dynamic thing groups: overrideDynamicGroups is kept and returned, and
// changes nothing. A certificate attached to no thing leaves nothing to do.
func init() {
	register(&actionType{
		Type:        iot.MitigationAddThingsToThingGroup,
		Member:      "addThingsToThingGroupParams",
		Permissions: []string{"iot:ListPrincipalThings", "iot:AddThingToThingGroup"},
		validate:    validateThingGroups,
		apply: func(ctx context.Context, e *Engine, tx store.Tx, f iot.AuditFinding, p iot.MitigationActionParams) error {
			certs, err := deviceCertificatesOf(ctx, tx, f)
			if err != nil {
				return err
			}
			for _, id := range certs {
				things, err := attachedThings(ctx, tx, e.registry.CertificateARN(tx.Account(), id))
				if err != nil {
					return err
				}
				for _, thing := range things {
					for _, group := range p.AddThingsToThingGroup.ThingGroupNames {
						if err := e.registry.AddThingToThingGroupTx(ctx, tx, group, thing); err != nil {
							return err
						}
					}
				}
			}
			return nil
		},
	})
}

func validateThingGroups(ctx context.Context, tx store.ReadTx, p iot.MitigationActionParams) error {
	names := p.AddThingsToThingGroup.ThingGroupNames
	if len(names) == 0 || len(names) > maxThingGroupNames {
		return iot.Errorf(iot.InvalidRequest, "thingGroupNames must name 1 to %d thing groups, not %d.", maxThingGroupNames, len(names))
	}
	for i, name := range names {
		if slices.Contains(names[:i], name) {
			return iot.Errorf(iot.InvalidRequest, "thingGroupNames names the thing group %s twice.", name)
		}
		if _, err := tx.ThingGroup(ctx, name); errors.Is(err, store.ErrNotFound) {
			return iot.Errorf(iot.InvalidRequest, "Thing group %s does not exist; create it before naming it in a mitigation action.", name)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// attachedThings returns the names of the things a principal is attached to.
func attachedThings(ctx context.Context, tx store.ReadTx, principal string) ([]string, error) {
	var names []string
	p := store.Page{Limit: 250}
	for {
		page, more, err := tx.PrincipalThings(ctx, principal, "", p)
		if err != nil {
			return nil, err
		}
		for _, tp := range page {
			names = append(names, tp.ThingName)
		}
		if !more || len(page) == 0 {
			return names, nil
		}
		p.After = page[len(page)-1].ThingName
	}
}
