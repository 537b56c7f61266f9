package store

import (
	"context"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// ThingReader reads the thing family of resources: things, thing types, static
// thing groups and group membership. Getters return ErrNotFound for a missing
// row. Listings are ordered by name and paged with Page (After is a name). The
// ARN field of what they return is left empty: the registry derives it.
type ThingReader interface {
	Thing(ctx context.Context, name string) (iot.Thing, error)
	Things(ctx context.Context, f ThingFilter, p Page) (things []iot.Thing, more bool, err error)
	// ThingTypeInUse reports whether any thing has the type.
	ThingTypeInUse(ctx context.Context, typeName string) (bool, error)

	ThingType(ctx context.Context, name string) (iot.ThingType, error)
	// ThingTypes lists the types whose names start with namePrefix ("" for all).
	ThingTypes(ctx context.Context, namePrefix string, p Page) (types []iot.ThingType, more bool, err error)

	ThingGroup(ctx context.Context, name string) (iot.ThingGroup, error)
	ThingGroups(ctx context.Context, f ThingGroupFilter, p Page) (groups []iot.ThingGroup, more bool, err error)
	// HasChildGroups reports whether a group has child groups.
	HasChildGroups(ctx context.Context, name string) (bool, error)
	// GroupsOfThing lists the groups the thing is a direct member of.
	GroupsOfThing(ctx context.Context, thing string, p Page) (groups []iot.ThingGroup, more bool, err error)
	// ThingsInGroup lists the names of the things that are members of the group
	// or, with recursive, of the group or any of its descendants.
	ThingsInGroup(ctx context.Context, group string, recursive bool, p Page) (names []string, more bool, err error)
}

// ThingWriter writes the thing family of resources. Put methods insert the row
// or replace the existing row of that name (keeping what hangs off it, such as a
// thing's group memberships). The caller has checked every rule; a violated
// foreign key is an error of the store, not a domain error.
type ThingWriter interface {
	PutThing(ctx context.Context, t iot.Thing) error
	// DeleteThing deletes a thing and its group memberships; ErrNotFound when absent.
	DeleteThing(ctx context.Context, name string) error

	PutThingType(ctx context.Context, t iot.ThingType) error
	// DeleteThingType deletes a thing type; ErrNotFound when absent.
	DeleteThingType(ctx context.Context, name string) error

	// PutThingGroup stores a group. Its Parent and Ancestors are fixed by the
	// first Put; later Puts of the same name change the other fields only.
	PutThingGroup(ctx context.Context, g iot.ThingGroup) error
	// DeleteThingGroup deletes a group and its memberships; ErrNotFound when absent.
	DeleteThingGroup(ctx context.Context, name string) error

	// AddThingToGroup makes the thing a member of the group (no-op if it is).
	AddThingToGroup(ctx context.Context, group, thing string, at time.Time) error
	// RemoveThingFromGroup ends a membership (no-op if there is none).
	RemoveThingFromGroup(ctx context.Context, group, thing string) error
}

// ThingFilter selects things in a listing. Zero fields select everything.
type ThingFilter struct {
	TypeName string
	// AttributeName selects the things that have this attribute; with
	// AttributeValue, only those whose value equals it, or with ValuePrefix,
	// starts with it.
	AttributeName  string
	AttributeValue string
	ValuePrefix    bool
}

// ThingGroupFilter selects thing groups in a listing.
type ThingGroupFilter struct {
	// Under names a group: only its descendants are listed (only its children
	// with Direct). Under "" lists every group (only root groups with Direct).
	Under  string
	Direct bool
	// NamePrefix keeps the groups whose names start with it.
	NamePrefix string
}
