package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func init() {
	families = append(families, family{name: "Things", run: testThings})
}

func testThings(t *testing.T, open Opener) {
	t.Run("ThingRoundTrip", func(t *testing.T) { testThingRoundTrip(t, open) })
	t.Run("ThingListing", func(t *testing.T) { testThingListing(t, open) })
	t.Run("ThingTypes", func(t *testing.T) { testThingTypes(t, open) })
	t.Run("ThingGroups", func(t *testing.T) { testThingGroups(t, open) })
	t.Run("Membership", func(t *testing.T) { testThingMembership(t, open) })
	t.Run("AccountIsolation", func(t *testing.T) { testThingIsolation(t, open) })
	t.Run("Rollback", func(t *testing.T) { testThingRollback(t, open) })
}

// thingCmp compares domain values of the thing family: nil and empty
// collections are equal.
var thingCmp = cmpopts.EquateEmpty()

func fixtureThing(name, typeName string, attrs map[string]string) iot.Thing {
	return iot.Thing{Name: name, ID: "id-" + name, TypeName: typeName, Attributes: attrs, Version: 1, CreatedAt: T0}
}

func fixtureThingGroup(name string, ancestors ...string) iot.ThingGroup {
	g := iot.ThingGroup{Name: name, ID: "gid-" + name, Ancestors: ancestors, Attributes: map[string]string{}, Version: 1, CreatedAt: T0}
	if len(ancestors) > 0 {
		g.Parent = ancestors[len(ancestors)-1]
	}
	return g
}

func testThingRoundTrip(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	typ := iot.ThingType{Name: "lamp", ID: "tt-1", CreatedAt: T0}
	want := fixtureThing("lamp-1", "lamp", map[string]string{"serial": "A-1", "model": "x/2"})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.PutThingType(ctx, typ); err != nil {
			return err
		}
		return tx.PutThing(ctx, want)
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.Thing(ctx, "lamp-1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(want, got, thingCmp); diff != "" {
			t.Errorf("Thing (-want +got):\n%s", diff)
		}
		if _, err := tx.Thing(ctx, "absent"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Thing(absent) = %v, want ErrNotFound", err)
		}
		if inUse, err := tx.ThingTypeInUse(ctx, "lamp"); err != nil || !inUse {
			t.Errorf("ThingTypeInUse(lamp) = %v, %v; want true", inUse, err)
		}
		return nil
	})

	// A second Put replaces the thing: attributes, type, version.
	updated := want
	updated.TypeName = ""
	updated.Attributes = map[string]string{"serial": "A-2"}
	updated.Version = 2
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutThing(ctx, updated) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.Thing(ctx, "lamp-1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(updated, got, thingCmp); diff != "" {
			t.Errorf("Thing after update (-want +got):\n%s", diff)
		}
		if inUse, err := tx.ThingTypeInUse(ctx, "lamp"); err != nil || inUse {
			t.Errorf("ThingTypeInUse(lamp) after the type was removed = %v, %v; want false", inUse, err)
		}
		// The attribute filter follows the update: the old value is gone.
		things, _, err := tx.Things(ctx, store.ThingFilter{AttributeName: "model"}, store.Page{Limit: 10})
		if err != nil || len(things) != 0 {
			t.Errorf("Things(model) after the attribute was removed = %v, %v; want none", things, err)
		}
		return nil
	})

	// A thing of an unknown type is refused by the store itself.
	err := s.Update(ctx, Account.ID, func(tx store.Tx) error {
		return tx.PutThing(ctx, fixtureThing("orphan", "no-such-type", nil))
	})
	if err == nil {
		t.Error("PutThing with an unknown thing type succeeded")
	}

	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteThing(ctx, "lamp-1"); err != nil {
			return err
		}
		if err := tx.DeleteThing(ctx, "lamp-1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteThing = %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		if _, err := tx.Thing(ctx, "lamp-1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Thing after delete = %v, want ErrNotFound", err)
		}
		return nil
	})
}

// names returns the names of listed things.
func thingNames(things []iot.Thing) []string {
	out := []string{}
	for _, th := range things {
		out = append(out, th.Name)
	}
	return out
}

func testThingListing(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, tt := range []string{"cam", "lamp"} {
			if err := tx.PutThingType(ctx, iot.ThingType{Name: tt, ID: "tt-" + tt, CreatedAt: T0}); err != nil {
				return err
			}
		}
		for i := range 12 {
			typ := "lamp"
			if i%3 == 0 {
				typ = "cam"
			}
			attrs := map[string]string{"floor": fmt.Sprint(i % 2), "serial": fmt.Sprintf("SN-%02d", i)}
			if err := tx.PutThing(ctx, fixtureThing(fmt.Sprintf("t%02d", i), typ, attrs)); err != nil {
				return err
			}
		}
		return tx.PutThing(ctx, fixtureThing("untyped", "", nil))
	})
	tests := []struct {
		name   string
		filter store.ThingFilter
		want   []string
	}{
		{"all", store.ThingFilter{}, []string{"t00", "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11", "untyped"}},
		{"type", store.ThingFilter{TypeName: "cam"}, []string{"t00", "t03", "t06", "t09"}},
		{"unknown type", store.ThingFilter{TypeName: "none"}, []string{}},
		{"attribute value", store.ThingFilter{AttributeName: "floor", AttributeValue: "1"}, []string{"t01", "t03", "t05", "t07", "t09", "t11"}},
		{"attribute and type", store.ThingFilter{AttributeName: "floor", AttributeValue: "1", TypeName: "cam"}, []string{"t03", "t09"}},
		{"attribute present", store.ThingFilter{AttributeName: "serial"}, []string{"t00", "t01", "t02", "t03", "t04", "t05", "t06", "t07", "t08", "t09", "t10", "t11"}},
		{"value prefix", store.ThingFilter{AttributeName: "serial", AttributeValue: "SN-1", ValuePrefix: true}, []string{"t10", "t11"}},
		{"value is not a prefix without ValuePrefix", store.ThingFilter{AttributeName: "serial", AttributeValue: "SN-1"}, []string{}},
		{"unknown attribute", store.ThingFilter{AttributeName: "colour"}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Page through with pages of 5; the pages together are the listing.
			got := []string{}
			after := ""
			for range 10 {
				var page []iot.Thing
				var more bool
				View(t, s, Account.ID, func(tx store.ReadTx) error {
					var err error
					page, more, err = tx.Things(ctx, tc.filter, store.Page{After: after, Limit: 5})
					return err
				})
				if len(page) > 5 {
					t.Fatalf("page of %d things, limit 5", len(page))
				}
				got = append(got, thingNames(page)...)
				if !more {
					break
				}
				if len(page) == 0 {
					t.Fatal("empty page with more=true")
				}
				after = page[len(page)-1].Name
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("listing (-want +got):\n%s", diff)
			}
		})
	}
	// Listed things are whole.
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		page, _, err := tx.Things(ctx, store.ThingFilter{AttributeName: "serial", AttributeValue: "SN-04"}, store.Page{Limit: 5})
		if err != nil {
			return err
		}
		want := []iot.Thing{fixtureThing("t04", "lamp", map[string]string{"floor": "0", "serial": "SN-04"})}
		if diff := cmp.Diff(want, page, thingCmp); diff != "" {
			t.Errorf("listed thing (-want +got):\n%s", diff)
		}
		return nil
	})
	// An exact page: more is false.
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		page, more, err := tx.Things(ctx, store.ThingFilter{TypeName: "cam"}, store.Page{Limit: 4})
		if err != nil || len(page) != 4 || more {
			t.Errorf("exact page: %d things, more=%v, err=%v; want 4, false", len(page), more, err)
		}
		return nil
	})
}

func testThingTypes(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	full := iot.ThingType{
		Name: "sensor", ID: "tt-sensor", Description: "A sensor [v2]",
		SearchableAttributes: []string{"serial", "site"},
		PropagatingAttributes: []iot.PropagatingAttribute{
			{UserPropertyKey: "sn", ThingAttribute: "serial"},
			{UserPropertyKey: "client", ConnectionAttribute: "iot:ClientId"},
		},
		CreatedAt: T0,
	}
	bare := iot.ThingType{Name: "sensor-mini", ID: "tt-mini", CreatedAt: T0}
	other := iot.ThingType{Name: "actuator", ID: "tt-act", CreatedAt: T0}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, tt := range []iot.ThingType{full, bare, other} {
			if err := tx.PutThingType(ctx, tt); err != nil {
				return err
			}
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.ThingType(ctx, "sensor")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(full, got, thingCmp); diff != "" {
			t.Errorf("ThingType (-want +got):\n%s", diff)
		}
		if _, err := tx.ThingType(ctx, "absent"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ThingType(absent) = %v, want ErrNotFound", err)
		}
		list, more, err := tx.ThingTypes(ctx, "sensor", store.Page{Limit: 10})
		if err != nil || more {
			t.Fatalf("ThingTypes(sensor) more=%v err=%v", more, err)
		}
		if diff := cmp.Diff([]iot.ThingType{full, bare}, list, thingCmp); diff != "" {
			t.Errorf("ThingTypes(prefix sensor) (-want +got):\n%s", diff)
		}
		page, more, err := tx.ThingTypes(ctx, "", store.Page{Limit: 2})
		if err != nil || !more || len(page) != 2 || page[0].Name != "actuator" || page[1].Name != "sensor" {
			t.Errorf("first page of 2 = %v, more=%v, err=%v", page, more, err)
		}
		page, more, err = tx.ThingTypes(ctx, "", store.Page{After: "sensor", Limit: 2})
		if err != nil || more || len(page) != 1 || page[0].Name != "sensor-mini" {
			t.Errorf("second page = %v, more=%v, err=%v", page, more, err)
		}
		return nil
	})

	deprecated := bare
	deprecated.Deprecated = true
	deprecated.DeprecatedAt = T0.Add(time.Hour)
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutThingType(ctx, deprecated) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.ThingType(ctx, "sensor-mini")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(deprecated, got, thingCmp); diff != "" {
			t.Errorf("deprecated ThingType (-want +got):\n%s", diff)
		}
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteThingType(ctx, "sensor-mini"); err != nil {
			return err
		}
		if err := tx.DeleteThingType(ctx, "sensor-mini"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteThingType = %v, want ErrNotFound", err)
		}
		return nil
	})
	// A type that things use cannot be deleted from under them.
	err := s.Update(ctx, Account.ID, func(tx store.Tx) error {
		if err := tx.PutThing(ctx, fixtureThing("s1", "sensor", nil)); err != nil {
			return err
		}
		return tx.DeleteThingType(ctx, "sensor")
	})
	if err == nil {
		t.Error("DeleteThingType of a type in use succeeded")
	}
}

// thingGroupNames returns the names of listed groups.
func thingGroupNames(groups []iot.ThingGroup) []string {
	out := []string{}
	for _, g := range groups {
		out = append(out, g.Name)
	}
	return out
}

// putThingGroupTree stores the tree
//
//	building ─┬─ floor1 ─┬─ room101
//	          │          └─ room102
//	          └─ floor2 ─── room201
//	fleet
func putThingGroupTree(t *testing.T, s store.Store) {
	t.Helper()
	ctx := context.Background()
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, g := range []iot.ThingGroup{
			fixtureThingGroup("building"),
			fixtureThingGroup("floor1", "building"),
			fixtureThingGroup("floor2", "building"),
			fixtureThingGroup("room101", "building", "floor1"),
			fixtureThingGroup("room102", "building", "floor1"),
			fixtureThingGroup("room201", "building", "floor2"),
			fixtureThingGroup("fleet"),
		} {
			if err := tx.PutThingGroup(ctx, g); err != nil {
				return err
			}
		}
		return nil
	})
}

func testThingGroups(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	putThingGroupTree(t, s)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.ThingGroup(ctx, "room102")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(fixtureThingGroup("room102", "building", "floor1"), got, thingCmp); diff != "" {
			t.Errorf("ThingGroup (-want +got):\n%s", diff)
		}
		if _, err := tx.ThingGroup(ctx, "absent"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("ThingGroup(absent) = %v, want ErrNotFound", err)
		}
		for name, want := range map[string]bool{"building": true, "floor1": true, "room101": false, "fleet": false} {
			if has, err := tx.HasChildGroups(ctx, name); err != nil || has != want {
				t.Errorf("HasChildGroups(%s) = %v, %v; want %v", name, has, err, want)
			}
		}
		return nil
	})
	tests := []struct {
		name   string
		filter store.ThingGroupFilter
		want   []string
	}{
		{"all", store.ThingGroupFilter{}, []string{"building", "fleet", "floor1", "floor2", "room101", "room102", "room201"}},
		{"roots", store.ThingGroupFilter{Direct: true}, []string{"building", "fleet"}},
		{"children", store.ThingGroupFilter{Under: "building", Direct: true}, []string{"floor1", "floor2"}},
		{"descendants", store.ThingGroupFilter{Under: "building"}, []string{"floor1", "floor2", "room101", "room102", "room201"}},
		{"descendants of a leaf", store.ThingGroupFilter{Under: "room101"}, []string{}},
		{"prefix", store.ThingGroupFilter{NamePrefix: "room1"}, []string{"room101", "room102"}},
		{"prefix among descendants", store.ThingGroupFilter{Under: "floor1", NamePrefix: "room10"}, []string{"room101", "room102"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := []string{}
			after := ""
			for range 10 {
				var page []iot.ThingGroup
				var more bool
				View(t, s, Account.ID, func(tx store.ReadTx) error {
					var err error
					page, more, err = tx.ThingGroups(ctx, tc.filter, store.Page{After: after, Limit: 2})
					return err
				})
				got = append(got, thingGroupNames(page)...)
				if !more {
					break
				}
				after = page[len(page)-1].Name
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("listing (-want +got):\n%s", diff)
			}
		})
	}

	// A second Put changes the properties but not the place in the tree.
	changed := fixtureThingGroup("floor1", "building")
	changed.Description = "first floor"
	changed.Attributes = map[string]string{"level": "1"}
	changed.Version = 2
	moved := changed
	moved.Parent, moved.Ancestors = "", nil
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutThingGroup(ctx, moved) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.ThingGroup(ctx, "floor1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(changed, got, thingCmp); diff != "" {
			t.Errorf("ThingGroup after update (-want +got):\n%s", diff)
		}
		return nil
	})

	// A parent with children cannot be deleted from under them; a leaf can.
	if err := s.Update(ctx, Account.ID, func(tx store.Tx) error { return tx.DeleteThingGroup(ctx, "floor2") }); err == nil {
		t.Error("DeleteThingGroup of a group with a child succeeded")
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteThingGroup(ctx, "room201"); err != nil {
			return err
		}
		if err := tx.DeleteThingGroup(ctx, "room201"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeleteThingGroup = %v, want ErrNotFound", err)
		}
		return nil
	})
}

func testThingMembership(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	putThingGroupTree(t, s)
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, name := range []string{"a", "b", "c", "d"} {
			if err := tx.PutThing(ctx, fixtureThing(name, "", nil)); err != nil {
				return err
			}
		}
		for _, m := range [][2]string{{"building", "a"}, {"floor1", "b"}, {"room101", "c"}, {"room102", "d"}, {"fleet", "a"}, {"fleet", "c"}} {
			if err := tx.AddThingToGroup(ctx, m[0], m[1], T0); err != nil {
				return err
			}
		}
		// Adding again is a no-op.
		return tx.AddThingToGroup(ctx, "fleet", "a", T0.Add(time.Minute))
	})
	things := func(group string, recursive bool) []string {
		t.Helper()
		got := []string{}
		after := ""
		for range 10 {
			var page []string
			var more bool
			View(t, s, Account.ID, func(tx store.ReadTx) error {
				var err error
				page, more, err = tx.ThingsInGroup(ctx, group, recursive, store.Page{After: after, Limit: 2})
				return err
			})
			got = append(got, page...)
			if !more {
				break
			}
			after = page[len(page)-1]
		}
		return got
	}
	groups := func(thing string) []string {
		t.Helper()
		var got []iot.ThingGroup
		View(t, s, Account.ID, func(tx store.ReadTx) error {
			var err error
			got, _, err = tx.GroupsOfThing(ctx, thing, store.Page{Limit: 10})
			return err
		})
		return thingGroupNames(got)
	}
	for _, tc := range []struct {
		group     string
		recursive bool
		want      []string
	}{
		{"building", false, []string{"a"}},
		{"building", true, []string{"a", "b", "c", "d"}},
		{"floor1", true, []string{"b", "c", "d"}},
		{"floor2", true, []string{}},
		{"fleet", false, []string{"a", "c"}},
	} {
		if diff := cmp.Diff(tc.want, things(tc.group, tc.recursive)); diff != "" {
			t.Errorf("ThingsInGroup(%s, recursive=%v) (-want +got):\n%s", tc.group, tc.recursive, diff)
		}
	}
	if diff := cmp.Diff([]string{"building", "fleet"}, groups("a")); diff != "" {
		t.Errorf("GroupsOfThing(a) (-want +got):\n%s", diff)
	}
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, _, err := tx.GroupsOfThing(ctx, "c", store.Page{Limit: 10})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]iot.ThingGroup{fixtureThingGroup("fleet"), fixtureThingGroup("room101", "building", "floor1")}, got, thingCmp); diff != "" {
			t.Errorf("GroupsOfThing(c) (-want +got):\n%s", diff)
		}
		return nil
	})

	// Updating a thing keeps its memberships; removing ends one, twice is a no-op;
	// deleting a thing or a group ends theirs.
	Update(t, s, Account.ID, func(tx store.Tx) error {
		updated := fixtureThing("a", "", map[string]string{"k": "v"})
		updated.Version = 2
		if err := tx.PutThing(ctx, updated); err != nil {
			return err
		}
		if err := tx.RemoveThingFromGroup(ctx, "fleet", "c"); err != nil {
			return err
		}
		if err := tx.RemoveThingFromGroup(ctx, "fleet", "c"); err != nil {
			return err
		}
		if err := tx.DeleteThing(ctx, "d"); err != nil {
			return err
		}
		return tx.DeleteThingGroup(ctx, "room101")
	})
	if diff := cmp.Diff([]string{"building", "fleet"}, groups("a")); diff != "" {
		t.Errorf("GroupsOfThing(a) after update (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{}, groups("c")); diff != "" {
		t.Errorf("GroupsOfThing(c) after removals (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b"}, things("building", true)); diff != "" {
		t.Errorf("ThingsInGroup(building, recursive) after deletes (-want +got):\n%s", diff)
	}
}

func testThingIsolation(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	putThingGroupTree(t, s)
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.PutThingType(ctx, iot.ThingType{Name: "lamp", ID: "tt", CreatedAt: T0}); err != nil {
			return err
		}
		if err := tx.PutThing(ctx, fixtureThing("lamp-1", "lamp", map[string]string{"k": "v"})); err != nil {
			return err
		}
		return tx.AddThingToGroup(ctx, "building", "lamp-1", T0)
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		if _, err := tx.Thing(ctx, "lamp-1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's Thing = %v, want ErrNotFound", err)
		}
		if _, err := tx.ThingType(ctx, "lamp"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's ThingType = %v, want ErrNotFound", err)
		}
		if _, err := tx.ThingGroup(ctx, "building"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("other account's ThingGroup = %v, want ErrNotFound", err)
		}
		if l, _, err := tx.Things(ctx, store.ThingFilter{}, store.Page{Limit: 10}); err != nil || len(l) != 0 {
			t.Errorf("other account's Things = %v, %v", l, err)
		}
		if l, _, err := tx.Things(ctx, store.ThingFilter{AttributeName: "k", AttributeValue: "v"}, store.Page{Limit: 10}); err != nil || len(l) != 0 {
			t.Errorf("other account's Things by attribute = %v, %v", l, err)
		}
		if l, _, err := tx.ThingTypes(ctx, "", store.Page{Limit: 10}); err != nil || len(l) != 0 {
			t.Errorf("other account's ThingTypes = %v, %v", l, err)
		}
		if l, _, err := tx.ThingGroups(ctx, store.ThingGroupFilter{}, store.Page{Limit: 10}); err != nil || len(l) != 0 {
			t.Errorf("other account's ThingGroups = %v, %v", l, err)
		}
		if l, _, err := tx.GroupsOfThing(ctx, "lamp-1", store.Page{Limit: 10}); err != nil || len(l) != 0 {
			t.Errorf("other account's GroupsOfThing = %v, %v", l, err)
		}
		if l, _, err := tx.ThingsInGroup(ctx, "building", false, store.Page{Limit: 10}); err != nil || len(l) != 0 {
			t.Errorf("other account's ThingsInGroup = %v, %v", l, err)
		}
		if inUse, err := tx.ThingTypeInUse(ctx, "lamp"); err != nil || inUse {
			t.Errorf("other account's ThingTypeInUse = %v, %v", inUse, err)
		}
		return nil
	})
	// The other account may use the same names for its own resources, and
	// deleting them leaves the first account's alone.
	Update(t, s, Other.ID, func(tx store.Tx) error {
		if err := tx.PutThing(ctx, fixtureThing("lamp-1", "", nil)); err != nil {
			return err
		}
		if err := tx.PutThingGroup(ctx, fixtureThingGroup("building")); err != nil {
			return err
		}
		if err := tx.DeleteThing(ctx, "lamp-1"); err != nil {
			return err
		}
		return tx.DeleteThingGroup(ctx, "building")
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		if _, err := tx.Thing(ctx, "lamp-1"); err != nil {
			t.Errorf("first account's thing after the other's delete: %v", err)
		}
		if l, _, err := tx.ThingsInGroup(ctx, "building", false, store.Page{Limit: 10}); err != nil || len(l) != 1 {
			t.Errorf("first account's membership after the other's delete: %v, %v", l, err)
		}
		return nil
	})
	// Removing an account removes its things.
	if err := s.System().RemoveAccount(ctx, Account.ID); err != nil {
		t.Fatal(err)
	}
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		if l, _, err := tx.Things(ctx, store.ThingFilter{}, store.Page{Limit: 10}); err != nil || len(l) != 0 {
			t.Errorf("Things of a removed account = %v, %v", l, err)
		}
		return nil
	})
}

func testThingRollback(t *testing.T, open Opener) {
	ctx := context.Background()
	s := NewWithAccounts(t, open)
	boom := errors.New("boom")
	err := s.Update(ctx, Account.ID, func(tx store.Tx) error {
		if err := tx.PutThing(ctx, fixtureThing("half", "", map[string]string{"k": "v"})); err != nil {
			return err
		}
		if err := tx.PutThingGroup(ctx, fixtureThingGroup("g")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update = %v, want boom", err)
	}
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		if _, err := tx.Thing(ctx, "half"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("thing of a failed transaction: %v, want ErrNotFound", err)
		}
		if _, err := tx.ThingGroup(ctx, "g"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("group of a failed transaction: %v, want ErrNotFound", err)
		}
		if l, _, err := tx.Things(ctx, store.ThingFilter{AttributeName: "k"}, store.Page{Limit: 10}); err != nil || len(l) != 0 {
			t.Errorf("attribute rows of a failed transaction: %v, %v", l, err)
		}
		return nil
	})
}
