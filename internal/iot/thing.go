package iot

import (
	"maps"
	"time"
)

// Thing is a device (or logical entity) in the fleet registry.
type Thing struct {
	Name string
	ID   string // a UUID, fixed at creation
	// ARN is derived from the account, region and name; stores do not keep it.
	ARN string
	// TypeName is the thing's thing type, "" for none.
	TypeName string
	// Attributes are the thing's name-value pairs; never holds an empty value
	// (an empty value removes the attribute).
	Attributes map[string]string
	// Version starts at 1 and grows by one with every update.
	Version   int64
	CreatedAt time.Time
}

// ThingType is a template of things: a description, searchable attributes and
// MQTT5 propagating attributes; it can be deprecated.
type ThingType struct {
	Name        string
	ID          string
	ARN         string // derived, see Thing.ARN
	Description string
	// SearchableAttributes are the attribute names the type declares searchable.
	SearchableAttributes []string
	// PropagatingAttributes are MQTT5 user properties the type adds to messages.
	PropagatingAttributes []PropagatingAttribute
	Deprecated            bool
	// DeprecatedAt is when the type was last deprecated; zero while it is not.
	DeprecatedAt time.Time
	CreatedAt    time.Time
}

// PropagatingAttribute maps a thing attribute or a connection attribute to an
// MQTT5 user property key.
type PropagatingAttribute struct {
	UserPropertyKey     string
	ThingAttribute      string
	ConnectionAttribute string
}

// ThingGroup is a static thing group. Groups form trees: a group's parent is
// fixed at creation.
type ThingGroup struct {
	Name string
	ID   string
	ARN  string // derived, see Thing.ARN
	// Parent is the parent group, "" for a root group.
	Parent string
	// Ancestors lists the group's ancestors from the root down to its parent
	// (empty for a root group).
	Ancestors   []string
	Description string
	Attributes  map[string]string
	Version     int64
	CreatedAt   time.Time
}

// Root returns the name of the root of the group's hierarchy (the group itself
// for a root group).
func (g ThingGroup) Root() string {
	if len(g.Ancestors) > 0 {
		return g.Ancestors[0]
	}
	return g.Name
}

// Depth returns the group's level in its hierarchy: 1 for a root group.
func (g ThingGroup) Depth() int { return len(g.Ancestors) + 1 }

// Registry limits of the thing family. AWS publishes them as quotas of AWS IoT
// Core and Device Management.
const (
	// MaxAttributesUntyped is how many attributes a thing without a thing type
	// may have.
	MaxAttributesUntyped = 3
	// MaxAttributesTyped is how many attributes a thing with a thing type may have.
	MaxAttributesTyped = 50
	// MaxGroupAttributes is how many attributes a thing group may have.
	MaxGroupAttributes = 50
	// MaxSearchableAttributes is how many searchable attributes a thing type may declare.
	MaxSearchableAttributes = 3
	// MaxGroupsPerThing is how many thing groups one thing may belong to.
	MaxGroupsPerThing = 10
	// MaxGroupDepth is the deepest level of a thing group hierarchy.
	MaxGroupDepth = 7
	// ThingTypeDeleteDelay is how long a thing type stays deprecated before it
	// may be deleted.
	ThingTypeDeleteDelay = 5 * time.Minute
)

// MergeAttributes applies an attribute payload to current: with merge, the
// payload's names are set or, for an empty value, removed; without, the payload
// replaces the attributes. Empty values are never kept. current is not changed.
func MergeAttributes(current, payload map[string]string, merge bool) map[string]string {
	out := map[string]string{}
	if merge {
		maps.Copy(out, current)
	}
	for k, v := range payload {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}
