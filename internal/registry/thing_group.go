package registry

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// ThingARN, ThingTypeARN and ThingGroupARN return the ARN of a resource of the
// thing family.
func (r *Registry) ThingARN(account, name string) string { return r.thingARN(account, name) }

// ThingTypeARN returns the ARN of a thing type.
func (r *Registry) ThingTypeARN(account, name string) string { return r.thingTypeARN(account, name) }

// ThingGroupARN returns the ARN of a thing group.
func (r *Registry) ThingGroupARN(account, name string) string { return r.thingGroupARN(account, name) }

// CreateThingGroupRequest is the input of CreateThingGroup.
type CreateThingGroupRequest struct {
	Name        string
	Parent      string // "" for a root group
	Description string
	Attributes  map[string]string
	Tags        []iot.Tag
}

func checkGroupAttributes(name string, attrs map[string]string) error {
	if len(attrs) > iot.MaxGroupAttributes {
		return iot.Errorf(iot.InvalidRequest, "Thing group %s would have %d attributes; a thing group can have at most %d.",
			name, len(attrs), iot.MaxGroupAttributes)
	}
	return nil
}

// CreateThingGroup creates a static thing group, under Parent when it names
// one. Creating a group that exists with the same parent and properties
// returns it unchanged; with others it is refused.
func (r *Registry) CreateThingGroup(ctx context.Context, account string, req CreateThingGroupRequest) (iot.ThingGroup, error) {
	attrs := iot.MergeAttributes(nil, req.Attributes, false)
	if err := checkGroupAttributes(req.Name, attrs); err != nil {
		return iot.ThingGroup{}, err
	}
	if err := checkTags(req.Tags); err != nil {
		return iot.ThingGroup{}, err
	}
	if req.Parent == req.Name {
		return iot.ThingGroup{}, iot.Errorf(iot.InvalidRequest, "Thing group %s cannot be its own parent.", req.Name)
	}
	arn := r.thingGroupARN(account, req.Name)
	var out iot.ThingGroup
	err := r.update(ctx, account, func(tx store.Tx) error {
		var ancestors []string
		if req.Parent != "" {
			parent, err := tx.ThingGroup(ctx, req.Parent)
			if errors.Is(err, store.ErrNotFound) {
				return iot.Errorf(iot.InvalidRequest, "Parent thing group %s does not exist.", req.Parent)
			}
			if err != nil {
				return err
			}
			if parent.Depth() >= iot.MaxGroupDepth {
				return iot.Errorf(iot.InvalidRequest,
					"Thing group %s cannot be created under %s: a thing group hierarchy is at most %d levels deep.",
					req.Name, req.Parent, iot.MaxGroupDepth)
			}
			ancestors = append(slices.Clone(parent.Ancestors), parent.Name)
		}
		existing, err := tx.ThingGroup(ctx, req.Name)
		switch {
		case err == nil:
			if existing.Parent != req.Parent || existing.Description != req.Description || !maps.Equal(existing.Attributes, attrs) {
				return iot.Exists(existing.ID, arn, "Thing group %s already exists with a different parent or properties.", req.Name)
			}
			out = existing
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		out = iot.ThingGroup{
			Name: req.Name, ID: r.ids.UUID(), Parent: req.Parent, Ancestors: ancestors,
			Description: req.Description, Attributes: attrs, Version: 1, CreatedAt: r.clock.Now(),
		}
		if err := tx.PutThingGroup(ctx, out); err != nil {
			return err
		}
		if len(req.Tags) == 0 {
			return nil
		}
		return tx.PutTags(ctx, arn, req.Tags)
	})
	if err != nil {
		return iot.ThingGroup{}, err
	}
	out.ARN = arn
	return out, nil
}

// DescribeThingGroup returns a thing group.
func (r *Registry) DescribeThingGroup(ctx context.Context, account, name string) (iot.ThingGroup, error) {
	var out iot.ThingGroup
	err := r.view(ctx, account, func(tx store.ReadTx) error {
		var err error
		out, err = tx.ThingGroup(ctx, name)
		return notFound(err, "Thing group %s does not exist.", name)
	})
	if err != nil {
		return iot.ThingGroup{}, err
	}
	out.ARN = r.thingGroupARN(account, name)
	return out, nil
}

// UpdateThingGroupRequest is the input of UpdateThingGroup.
type UpdateThingGroupRequest struct {
	Name string
	// Description, when not nil, replaces the description.
	Description *string
	// Attributes, when SetAttributes, is merged into the group's attributes
	// with Merge, or replaces them; an empty value removes an attribute.
	SetAttributes   bool
	Attributes      map[string]string
	Merge           bool
	ExpectedVersion *int64
}

// UpdateThingGroup changes a group's properties and returns its new version.
func (r *Registry) UpdateThingGroup(ctx context.Context, account string, req UpdateThingGroupRequest) (int64, error) {
	var version int64
	err := r.update(ctx, account, func(tx store.Tx) error {
		g, err := tx.ThingGroup(ctx, req.Name)
		if err != nil {
			return notFound(err, "Thing group %s does not exist.", req.Name)
		}
		if req.ExpectedVersion != nil && *req.ExpectedVersion != g.Version {
			return iot.Errorf(iot.VersionConflict,
				"The version of thing group %s is %d, not the expected version %d.", req.Name, g.Version, *req.ExpectedVersion)
		}
		if req.Description != nil {
			g.Description = *req.Description
		}
		if req.SetAttributes {
			g.Attributes = iot.MergeAttributes(g.Attributes, req.Attributes, req.Merge)
		}
		if err := checkGroupAttributes(req.Name, g.Attributes); err != nil {
			return err
		}
		g.Version++
		version = g.Version
		return tx.PutThingGroup(ctx, g)
	})
	return version, err
}

// DeleteThingGroup deletes a group that has no child groups; its things stay,
// out of it. Deleting a group that does not exist succeeds, as in AWS.
func (r *Registry) DeleteThingGroup(ctx context.Context, account, name string, expectedVersion *int64) error {
	return r.update(ctx, account, func(tx store.Tx) error {
		g, err := tx.ThingGroup(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if expectedVersion != nil && *expectedVersion != g.Version {
			return iot.Errorf(iot.VersionConflict,
				"The version of thing group %s is %d, not the expected version %d.", name, g.Version, *expectedVersion)
		}
		hasChildren, err := tx.HasChildGroups(ctx, name)
		if err != nil {
			return err
		}
		if hasChildren {
			// AWS's own message.
			return iot.Errorf(iot.InvalidRequest, "Cannot delete thing group : %s when there are still child groups attached to it", name)
		}
		if err := tx.DeleteThingGroup(ctx, name); err != nil {
			return err
		}
		// The group's policy attachments and tags go with it.
		arn := r.thingGroupARN(account, name)
		if err := tx.DetachTarget(ctx, arn); err != nil {
			return err
		}
		return tx.DeleteTags(ctx, arn)
	})
}

// ListThingGroupsRequest is the input of ListThingGroups.
type ListThingGroupsRequest struct {
	ListRequest
	// Parent keeps the groups under it: its children, or with Recursive all its
	// descendants. Without Parent, every group is listed, or only root groups
	// when Recursive is false.
	Parent     string
	Recursive  *bool
	NamePrefix string
}

// ListThingGroups lists thing groups by name, a page at a time.
func (r *Registry) ListThingGroups(ctx context.Context, account string, req ListThingGroupsRequest) ([]iot.ThingGroup, string, error) {
	f := store.ThingGroupFilter{Under: req.Parent, NamePrefix: req.NamePrefix}
	if req.Parent != "" {
		f.Direct = req.Recursive == nil || !*req.Recursive
	} else {
		f.Direct = req.Recursive != nil && !*req.Recursive
	}
	scope := "thinggroups\x00" + f.Under + "\x00" + f.NamePrefix
	if f.Direct {
		scope += "\x00direct"
	}
	p, err := r.page(account, scope, req.ListRequest, defaultThingPageSize)
	if err != nil {
		return nil, "", err
	}
	var groups []iot.ThingGroup
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		if req.Parent != "" {
			if _, err := tx.ThingGroup(ctx, req.Parent); err != nil {
				return notFound(err, "Thing group %s does not exist.", req.Parent)
			}
		}
		var err error
		groups, more, err = tx.ThingGroups(ctx, f, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	for i := range groups {
		groups[i].ARN = r.thingGroupARN(account, groups[i].Name)
	}
	var last string
	if len(groups) > 0 {
		last = groups[len(groups)-1].Name
	}
	return groups, r.nextToken(account, scope, more, last), nil
}

// ThingGroupMembership names a thing and a group, each by name or by ARN.
type ThingGroupMembership struct {
	GroupName, GroupARN string
	ThingName, ThingARN string
}

// resolveMembership returns the group and thing names a membership request designates.
func (r *Registry) resolveMembership(account string, m ThingGroupMembership) (group, thing string, err error) {
	group, err = r.thingFamilyName(account, "thinggroup/", "thingGroup", m.GroupName, m.GroupARN)
	if err != nil {
		return "", "", err
	}
	thing, err = r.thingFamilyName(account, "thing/", "thing", m.ThingName, m.ThingARN)
	return group, thing, err
}

// thingFamilyName returns the name a request gives directly or through an ARN of this
// account and region.
func (r *Registry) thingFamilyName(account, resourcePrefix, member, name, arn string) (string, error) {
	if arn == "" {
		if name == "" {
			return "", iot.Errorf(iot.InvalidRequest, "Give %sName or %sArn.", member, member)
		}
		return name, nil
	}
	fromARN, ok := strings.CutPrefix(arn, r.arn(account, resourcePrefix))
	if !ok || fromARN == "" || strings.Contains(fromARN, "/") {
		return "", iot.Errorf(iot.NotFound, "%sArn %s does not name a resource of this account and region.", member, arn)
	}
	if name != "" && name != fromARN {
		return "", iot.Errorf(iot.InvalidRequest, "%sName %s and %sArn %s name different resources.", member, name, member, arn)
	}
	return fromARN, nil
}

// thingExists returns NotFound unless the thing exists.
func thingExists(ctx context.Context, tx store.ReadTx, name string) error {
	_, err := tx.Thing(ctx, name)
	return notFound(err, "Thing %s does not exist.", name)
}

// allGroupsOf returns every group the thing is a member of (at most
// iot.MaxGroupsPerThing).
func allGroupsOf(ctx context.Context, tx store.ReadTx, thing string) ([]iot.ThingGroup, error) {
	var out []iot.ThingGroup
	p := store.Page{Limit: 100}
	for {
		page, more, err := tx.GroupsOfThing(ctx, thing, p)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if !more || len(page) == 0 {
			return out, nil
		}
		p.After = page[len(page)-1].Name
	}
}

// addMembership adds the thing to the group under AWS's rules: at most
// iot.MaxGroupsPerThing groups, never two of one hierarchy. current lists the
// thing's groups and is updated.
func (r *Registry) addMembership(ctx context.Context, tx store.Tx, g iot.ThingGroup, thing string, current *[]iot.ThingGroup) error {
	for _, c := range *current {
		if c.Name == g.Name {
			return nil
		}
	}
	for _, c := range *current {
		if c.Root() == g.Root() {
			return iot.Errorf(iot.InvalidRequest,
				"Thing %s cannot be added to thing group %s: it is already in thing group %s of the same hierarchy (root %s).",
				thing, g.Name, c.Name, g.Root())
		}
	}
	if len(*current) >= iot.MaxGroupsPerThing {
		return iot.Errorf(iot.InvalidRequest, "Thing %s cannot be added to thing group %s: a thing can be in at most %d thing groups.",
			thing, g.Name, iot.MaxGroupsPerThing)
	}
	if err := tx.AddThingToGroup(ctx, g.Name, thing, r.clock.Now()); err != nil {
		return err
	}
	*current = append(*current, g)
	return nil
}

// AddThingToThingGroup adds a thing to a static group. Adding it again is a
// no-op.
func (r *Registry) AddThingToThingGroup(ctx context.Context, account string, m ThingGroupMembership) error {
	groupName, thing, err := r.resolveMembership(account, m)
	if err != nil {
		return err
	}
	return r.update(ctx, account, func(tx store.Tx) error { return r.AddThingToThingGroupTx(ctx, tx, groupName, thing) })
}

// RemoveThingFromThingGroup takes a thing out of a group. Removing a thing that
// is not in the group is a no-op.
func (r *Registry) RemoveThingFromThingGroup(ctx context.Context, account string, m ThingGroupMembership) error {
	groupName, thing, err := r.resolveMembership(account, m)
	if err != nil {
		return err
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		if _, err := tx.ThingGroup(ctx, groupName); err != nil {
			return notFound(err, "Thing group %s does not exist.", groupName)
		}
		if err := thingExists(ctx, tx, thing); err != nil {
			return err
		}
		return tx.RemoveThingFromGroup(ctx, groupName, thing)
	})
}

// UpdateThingGroupsForThing takes a thing out of some groups and into others, in
// one transaction: removals first, so that a thing can move between groups of
// one hierarchy.
func (r *Registry) UpdateThingGroupsForThing(ctx context.Context, account, thing string, add, remove []string) error {
	if thing == "" {
		return iot.Errorf(iot.InvalidRequest, "Give thingName: the thing whose groups change.")
	}
	return r.update(ctx, account, func(tx store.Tx) error {
		if err := thingExists(ctx, tx, thing); err != nil {
			return err
		}
		for _, name := range remove {
			if _, err := tx.ThingGroup(ctx, name); err != nil {
				return notFound(err, "Thing group %s does not exist.", name)
			}
			if err := tx.RemoveThingFromGroup(ctx, name, thing); err != nil {
				return err
			}
		}
		current, err := allGroupsOf(ctx, tx, thing)
		if err != nil {
			return err
		}
		for _, name := range add {
			g, err := tx.ThingGroup(ctx, name)
			if err != nil {
				return notFound(err, "Thing group %s does not exist.", name)
			}
			if err := r.addMembership(ctx, tx, g, thing, &current); err != nil {
				return err
			}
		}
		return nil
	})
}

// ListThingsInThingGroup lists the names of the things in a group (and with
// recursive, in its descendants), a page at a time.
func (r *Registry) ListThingsInThingGroup(ctx context.Context, account, group string, recursive bool, req ListRequest) ([]string, string, error) {
	scope := "thingsingroup\x00" + group
	if recursive {
		scope += "\x00recursive"
	}
	p, err := r.page(account, scope, req, defaultThingPageSize)
	if err != nil {
		return nil, "", err
	}
	var names []string
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		if _, err := tx.ThingGroup(ctx, group); err != nil {
			return notFound(err, "Thing group %s does not exist.", group)
		}
		var err error
		names, more, err = tx.ThingsInGroup(ctx, group, recursive, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	var last string
	if len(names) > 0 {
		last = names[len(names)-1]
	}
	return names, r.nextToken(account, scope, more, last), nil
}

// ListThingGroupsForThing lists the groups a thing is a direct member of, a
// page at a time.
func (r *Registry) ListThingGroupsForThing(ctx context.Context, account, thing string, req ListRequest) ([]iot.ThingGroup, string, error) {
	scope := "groupsforthing\x00" + thing
	p, err := r.page(account, scope, req, defaultThingPageSize)
	if err != nil {
		return nil, "", err
	}
	var groups []iot.ThingGroup
	var more bool
	err = r.view(ctx, account, func(tx store.ReadTx) error {
		if err := thingExists(ctx, tx, thing); err != nil {
			return err
		}
		var err error
		groups, more, err = tx.GroupsOfThing(ctx, thing, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	for i := range groups {
		groups[i].ARN = r.thingGroupARN(account, groups[i].Name)
	}
	var last string
	if len(groups) > 0 {
		last = groups[len(groups)-1].Name
	}
	return groups, r.nextToken(account, scope, more, last), nil
}
