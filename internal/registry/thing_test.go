package registry

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

const thingTestAccount = "123456789012"

var thingT0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// newThingRegistry returns a registry over a fresh SQLite store with one
// account, a fake clock at thingT0 and sequential ids.
func newThingRegistry(t testing.TB) (*Registry, *clock.Fake) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir(), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	clk := clock.NewFake(thingT0)
	err = st.System().CreateAccount(ctx, iot.Account{ID: thingTestAccount, RegistrationCode: "code", CreatedAt: thingT0},
		iot.AccessKey{AccessKeyID: "AKIDTHINGTEST", SecretAccessKey: "s", AccountID: thingTestAccount, CreatedAt: thingT0})
	if err != nil {
		t.Fatal(err)
	}
	r := New(Config{Store: st, Clock: clk, IDs: &ids.Sequence{}, Region: "eu-west-1",
		Tokens: pagetoken.New([]byte("0123456789abcdef0123456789abcdef"), clk)})
	return r, clk
}

func wantThingKind(t *testing.T, err error, kind iot.Kind) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v (kind %s), want %s", err, iot.KindOf(err), kind)
	}
}

func TestMergeAttributes(t *testing.T) {
	cur := map[string]string{"a": "1", "b": "2"}
	for _, tc := range []struct {
		name    string
		payload map[string]string
		merge   bool
		want    map[string]string
	}{
		{"merge sets and removes", map[string]string{"b": "", "c": "3"}, true, map[string]string{"a": "1", "c": "3"}},
		{"replace", map[string]string{"c": "3", "d": ""}, false, map[string]string{"c": "3"}},
		{"replace with nothing", nil, false, map[string]string{}},
		{"merge nothing", nil, true, map[string]string{"a": "1", "b": "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, iot.MergeAttributes(cur, tc.payload, tc.merge)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if len(cur) != 2 {
		t.Errorf("MergeAttributes changed its input: %v", cur)
	}
}

func TestCreateThingIdsARNsAndIdempotence(t *testing.T) {
	r, _ := newThingRegistry(t)
	ctx := context.Background()
	th, err := r.CreateThing(ctx, thingTestAccount, CreateThingRequest{Name: "lamp", Attributes: map[string]string{"k": "v", "empty": ""}})
	if err != nil {
		t.Fatal(err)
	}
	want := iot.Thing{
		Name: "lamp", ID: "00000000-0000-4000-8000-000000000001", ARN: "arn:aws:iot:eu-west-1:123456789012:thing/lamp",
		Attributes: map[string]string{"k": "v"}, Version: 1, CreatedAt: thingT0,
	}
	if diff := cmp.Diff(want, th); diff != "" {
		t.Errorf("CreateThing (-want +got):\n%s", diff)
	}
	// An empty value is no attribute, so this is the same thing.
	again, err := r.CreateThing(ctx, thingTestAccount, CreateThingRequest{Name: "lamp", Attributes: map[string]string{"k": "v"}})
	if err != nil || again.ID != th.ID {
		t.Errorf("idempotent CreateThing = %+v, %v", again, err)
	}
	_, err = r.CreateThing(ctx, thingTestAccount, CreateThingRequest{Name: "lamp"})
	wantThingKind(t, err, iot.AlreadyExists)
	var de *iot.Error
	if errors.As(err, &de); de.ResourceID != th.ID || de.ResourceARN != th.ARN {
		t.Errorf("AlreadyExists names %q %q", de.ResourceID, de.ResourceARN)
	}
	got, err := r.DescribeThing(ctx, thingTestAccount, "lamp")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeThing (-want +got):\n%s", diff)
	}
}

func TestThingAttributeLimits(t *testing.T) {
	r, _ := newThingRegistry(t)
	ctx := context.Background()
	many := func(n int) map[string]string {
		m := map[string]string{}
		for i := range n {
			m[fmt.Sprintf("a%02d", i)] = "v"
		}
		return m
	}
	if _, err := r.CreateThingType(ctx, thingTestAccount, CreateThingTypeRequest{Name: "t"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		typeName string
		n        int
		ok       bool
	}{
		{"three untyped", "", 3, true},
		{"four untyped", "", 4, false},
		{"fifty typed", "t", 50, true},
		{"fifty-one typed", "t", 51, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.CreateThing(ctx, thingTestAccount, CreateThingRequest{Name: "x" + fmt.Sprint(tc.n) + tc.typeName, TypeName: tc.typeName, Attributes: many(tc.n)})
			if tc.ok && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.ok {
				wantThingKind(t, err, iot.InvalidRequest)
			}
		})
	}
	// Merging in a fourth attribute on an untyped thing is refused and changes nothing.
	err := r.UpdateThing(ctx, thingTestAccount, UpdateThingRequest{Name: "x3", SetAttributes: true, Merge: true, Attributes: map[string]string{"new": "v"}})
	wantThingKind(t, err, iot.InvalidRequest)
	th, _ := r.DescribeThing(ctx, thingTestAccount, "x3")
	if th.Version != 1 || len(th.Attributes) != 3 {
		t.Errorf("after a refused update: %+v", th)
	}
}

func TestThingTypeDeletionWaits(t *testing.T) {
	r, clk := newThingRegistry(t)
	ctx := context.Background()
	if _, err := r.CreateThingType(ctx, thingTestAccount, CreateThingTypeRequest{Name: "old"}); err != nil {
		t.Fatal(err)
	}
	wantThingKind(t, r.DeleteThingType(ctx, thingTestAccount, "old"), iot.InvalidRequest)
	if err := r.DeprecateThingType(ctx, thingTestAccount, "old", false); err != nil {
		t.Fatal(err)
	}
	tt, _ := r.DescribeThingType(ctx, thingTestAccount, "old")
	if !tt.Deprecated || !tt.DeprecatedAt.Equal(thingT0) {
		t.Errorf("deprecated type = %+v", tt)
	}
	// Deprecating again keeps the first date.
	clk.Advance(2 * time.Minute)
	if err := r.DeprecateThingType(ctx, thingTestAccount, "old", false); err != nil {
		t.Fatal(err)
	}
	clk.Advance(3*time.Minute - time.Millisecond)
	wantThingKind(t, r.DeleteThingType(ctx, thingTestAccount, "old"), iot.InvalidRequest)
	clk.Advance(time.Millisecond)
	if err := r.DeleteThingType(ctx, thingTestAccount, "old"); err != nil {
		t.Fatalf("DeleteThingType at five minutes: %v", err)
	}
	wantThingKind(t, r.DeleteThingType(ctx, thingTestAccount, "old"), iot.NotFound)

	// Undoing a deprecation clears its date.
	if _, err := r.CreateThingType(ctx, thingTestAccount, CreateThingTypeRequest{Name: "back"}); err != nil {
		t.Fatal(err)
	}
	_ = r.DeprecateThingType(ctx, thingTestAccount, "back", false)
	if err := r.DeprecateThingType(ctx, thingTestAccount, "back", true); err != nil {
		t.Fatal(err)
	}
	tt, _ = r.DescribeThingType(ctx, thingTestAccount, "back")
	if tt.Deprecated || !tt.DeprecatedAt.IsZero() {
		t.Errorf("after undo: %+v", tt)
	}
}

func TestThingTypeProperties(t *testing.T) {
	r, _ := newThingRegistry(t)
	ctx := context.Background()
	desc := "d"
	for _, tc := range []struct {
		name  string
		props ThingTypeProperties
	}{
		{"four searchable", ThingTypeProperties{SearchableAttributes: []string{"a", "b", "c", "d"}}},
		{"duplicate searchable", ThingTypeProperties{SearchableAttributes: []string{"a", "a"}}},
		{"propagating without key", ThingTypeProperties{SetPropagating: true, PropagatingAttributes: []iot.PropagatingAttribute{{ThingAttribute: "a"}}}},
		{"propagating without source", ThingTypeProperties{SetPropagating: true, PropagatingAttributes: []iot.PropagatingAttribute{{UserPropertyKey: "k"}}}},
		{"propagating key twice", ThingTypeProperties{SetPropagating: true, PropagatingAttributes: []iot.PropagatingAttribute{
			{UserPropertyKey: "k", ThingAttribute: "a"}, {UserPropertyKey: "k", ThingAttribute: "b"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.CreateThingType(ctx, thingTestAccount, CreateThingTypeRequest{Name: "t", Properties: tc.props})
			wantThingKind(t, err, iot.InvalidRequest)
		})
	}
	props := ThingTypeProperties{Description: &desc, SearchableAttributes: []string{"a"}}
	if _, err := r.CreateThingType(ctx, thingTestAccount, CreateThingTypeRequest{Name: "t", Properties: props}); err != nil {
		t.Fatal(err)
	}
	// An update changes only what it gives.
	if err := r.UpdateThingType(ctx, thingTestAccount, "t", ThingTypeProperties{SetPropagating: true,
		PropagatingAttributes: []iot.PropagatingAttribute{{UserPropertyKey: "k", ConnectionAttribute: "iot:ClientId"}}}); err != nil {
		t.Fatal(err)
	}
	tt, _ := r.DescribeThingType(ctx, thingTestAccount, "t")
	want := iot.ThingType{Name: "t", ID: "00000000-0000-4000-8000-000000000001", ARN: "arn:aws:iot:eu-west-1:123456789012:thingtype/t",
		Description: "d", SearchableAttributes: []string{"a"}, CreatedAt: thingT0,
		PropagatingAttributes: []iot.PropagatingAttribute{{UserPropertyKey: "k", ConnectionAttribute: "iot:ClientId"}}}
	if diff := cmp.Diff(want, tt); diff != "" {
		t.Errorf("after update (-want +got):\n%s", diff)
	}
}

func TestThingGroupRules(t *testing.T) {
	r, _ := newThingRegistry(t)
	ctx := context.Background()
	mk := func(name, parent string) iot.ThingGroup {
		t.Helper()
		g, err := r.CreateThingGroup(ctx, thingTestAccount, CreateThingGroupRequest{Name: name, Parent: parent})
		if err != nil {
			t.Fatalf("CreateThingGroup %s: %v", name, err)
		}
		return g
	}
	mk("a", "")
	mk("a1", "a")
	deep := mk("a11", "a1")
	if diff := cmp.Diff([]string{"a", "a1"}, deep.Ancestors); diff != "" || deep.Parent != "a1" || deep.Root() != "a" || deep.Depth() != 3 {
		t.Errorf("deep group = %+v (-want +got ancestors):\n%s", deep, diff)
	}
	_, err := r.CreateThingGroup(ctx, thingTestAccount, CreateThingGroupRequest{Name: "self", Parent: "self"})
	wantThingKind(t, err, iot.InvalidRequest)
	_, err = r.CreateThingGroup(ctx, thingTestAccount, CreateThingGroupRequest{Name: "a1", Parent: "a", Description: "different"})
	wantThingKind(t, err, iot.AlreadyExists)
	attrs := map[string]string{}
	for i := range 51 {
		attrs[fmt.Sprint("k", i)] = "v"
	}
	_, err = r.CreateThingGroup(ctx, thingTestAccount, CreateThingGroupRequest{Name: "wide", Attributes: attrs})
	wantThingKind(t, err, iot.InvalidRequest)

	// Same hierarchy: a thing in a11 cannot also be in a (its ancestor) or in a
	// sibling branch of the same root.
	mk("a2", "a")
	mk("b", "")
	if _, err := r.CreateThing(ctx, thingTestAccount, CreateThingRequest{Name: "t"}); err != nil {
		t.Fatal(err)
	}
	add := func(group string) error {
		return r.AddThingToThingGroup(ctx, thingTestAccount, ThingGroupMembership{ThingName: "t", GroupName: group})
	}
	if err := add("a11"); err != nil {
		t.Fatal(err)
	}
	wantThingKind(t, add("a"), iot.InvalidRequest)
	wantThingKind(t, add("a2"), iot.InvalidRequest)
	if err := add("b"); err != nil {
		t.Errorf("a group of another hierarchy: %v", err)
	}

	// ARNs must be of this account and region, and agree with names.
	for _, m := range []ThingGroupMembership{
		{ThingName: "t", GroupARN: "arn:aws:iot:us-east-1:123456789012:thinggroup/b"},
		{ThingName: "t", GroupARN: "arn:aws:iot:eu-west-1:123456789012:thing/b"},
		{ThingARN: "arn:aws:iot:eu-west-1:123456789012:thing/t/x", GroupName: "b"},
	} {
		wantThingKind(t, r.AddThingToThingGroup(ctx, thingTestAccount, m), iot.NotFound)
	}
	wantThingKind(t, r.AddThingToThingGroup(ctx, thingTestAccount, ThingGroupMembership{
		ThingName: "other", ThingARN: "arn:aws:iot:eu-west-1:123456789012:thing/t", GroupName: "b"}), iot.InvalidRequest)
	if err := r.AddThingToThingGroup(ctx, thingTestAccount, ThingGroupMembership{
		ThingName: "t", ThingARN: "arn:aws:iot:eu-west-1:123456789012:thing/t", GroupARN: "arn:aws:iot:eu-west-1:123456789012:thinggroup/b"}); err != nil {
		t.Errorf("matching name and ARN: %v", err)
	}

	// ListThingGroups: recursive unset lists all groups, or a parent's children.
	names := func(req ListThingGroupsRequest) []string {
		t.Helper()
		gs, next, err := r.ListThingGroups(ctx, thingTestAccount, req)
		if err != nil || next != "" {
			t.Fatalf("ListThingGroups: %v, next %q", err, next)
		}
		var out []string
		for _, g := range gs {
			out = append(out, g.Name)
		}
		return out
	}
	yes, no := true, false
	for _, tc := range []struct {
		req  ListThingGroupsRequest
		want []string
	}{
		{ListThingGroupsRequest{}, []string{"a", "a1", "a11", "a2", "b"}},
		{ListThingGroupsRequest{Recursive: &yes}, []string{"a", "a1", "a11", "a2", "b"}},
		{ListThingGroupsRequest{Recursive: &no}, []string{"a", "b"}},
		{ListThingGroupsRequest{Parent: "a"}, []string{"a1", "a2"}},
		{ListThingGroupsRequest{Parent: "a", Recursive: &no}, []string{"a1", "a2"}},
		{ListThingGroupsRequest{Parent: "a", Recursive: &yes}, []string{"a1", "a11", "a2"}},
	} {
		if diff := cmp.Diff(tc.want, names(tc.req), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("ListThingGroups(%+v) (-want +got):\n%s", tc.req, diff)
		}
	}
}

func TestThingGroupDepthLimit(t *testing.T) {
	r, _ := newThingRegistry(t)
	ctx := context.Background()
	parent := ""
	for level := 1; level <= iot.MaxGroupDepth; level++ {
		name := fmt.Sprint("l", level)
		if _, err := r.CreateThingGroup(ctx, thingTestAccount, CreateThingGroupRequest{Name: name, Parent: parent}); err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		parent = name
	}
	_, err := r.CreateThingGroup(ctx, thingTestAccount, CreateThingGroupRequest{Name: "too-deep", Parent: parent})
	wantThingKind(t, err, iot.InvalidRequest)
	g, _ := r.DescribeThingGroup(ctx, thingTestAccount, parent)
	if g.Depth() != iot.MaxGroupDepth || len(g.Ancestors) != iot.MaxGroupDepth-1 {
		t.Errorf("deepest group = %+v", g)
	}
}

func TestThingListingTokens(t *testing.T) {
	r, clk := newThingRegistry(t)
	ctx := context.Background()
	for i := range 5 {
		if _, err := r.CreateThing(ctx, thingTestAccount, CreateThingRequest{Name: fmt.Sprint("t", i)}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	req := ListThingsRequest{ListRequest: ListRequest{MaxResults: 2}}
	for range 5 {
		page, next, err := r.ListThings(ctx, thingTestAccount, req)
		if err != nil {
			t.Fatal(err)
		}
		for _, th := range page {
			got = append(got, th.Name)
			if th.ARN == "" {
				t.Errorf("listed thing without ARN: %+v", th)
			}
		}
		if next == "" {
			break
		}
		req.NextToken = next
	}
	if diff := cmp.Diff([]string{"t0", "t1", "t2", "t3", "t4"}, got); diff != "" {
		t.Errorf("paged listing (-want +got):\n%s", diff)
	}
	// A token is bound to its filters, and expires.
	_, next, _ := r.ListThings(ctx, thingTestAccount, ListThingsRequest{ListRequest: ListRequest{MaxResults: 1}})
	_, _, err := r.ListThings(ctx, thingTestAccount, ListThingsRequest{ListRequest: ListRequest{NextToken: next}, TypeName: "x"})
	wantThingKind(t, err, iot.InvalidRequest)
	_, _, err = r.ListThingTypes(ctx, thingTestAccount, "", ListRequest{NextToken: next})
	wantThingKind(t, err, iot.InvalidRequest)
	clk.Advance(pagetoken.MaxAge + time.Second)
	_, _, err = r.ListThings(ctx, thingTestAccount, ListThingsRequest{ListRequest: ListRequest{NextToken: next}})
	wantThingKind(t, err, iot.InvalidRequest)
}
