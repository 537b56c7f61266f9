package apitest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/clock"
)

// The thing family through aws-sdk-go-v2: things, thing types, static thing
// groups.

const thingARNPrefix = "arn:aws:iot:" + region + ":" + firstAccount + ":"

func mustThing(t *testing.T, c *awsiot.Client, in *awsiot.CreateThingInput) *awsiot.CreateThingOutput {
	t.Helper()
	out, err := c.CreateThing(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateThing %s: %v", aws.ToString(in.ThingName), err)
	}
	return out
}

func mustThingGroup(t *testing.T, c *awsiot.Client, name, parent string) *awsiot.CreateThingGroupOutput {
	t.Helper()
	in := &awsiot.CreateThingGroupInput{ThingGroupName: aws.String(name)}
	if parent != "" {
		in.ParentGroupName = aws.String(parent)
	}
	out, err := c.CreateThingGroup(ctx(t), in)
	if err != nil {
		t.Fatalf("CreateThingGroup %s: %v", name, err)
	}
	return out
}

func attrs(kv ...string) *types.AttributePayload {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return &types.AttributePayload{Attributes: m}
}

func TestThingLifecycle(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	created := mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("lamp-1"), AttributePayload: attrs("serial", "SN-1", "site", "berlin")})
	if got, want := aws.ToString(created.ThingArn), thingARNPrefix+"thing/lamp-1"; got != want {
		t.Errorf("thingArn = %q, want %q", got, want)
	}
	if aws.ToString(created.ThingId) == "" || aws.ToString(created.ThingName) != "lamp-1" {
		t.Errorf("CreateThing = %+v", created)
	}

	desc, err := c.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("lamp-1")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"serial": "SN-1", "site": "berlin"}
	if diff := cmp.Diff(want, desc.Attributes); diff != "" {
		t.Errorf("attributes (-want +got):\n%s", diff)
	}
	if aws.ToString(desc.DefaultClientId) != "lamp-1" || desc.Version != 1 || aws.ToString(desc.ThingId) != aws.ToString(created.ThingId) ||
		aws.ToString(desc.ThingArn) != aws.ToString(created.ThingArn) || desc.ThingTypeName != nil {
		t.Errorf("DescribeThing = %+v", desc)
	}

	// Creating the same thing again returns it; with other attributes it is refused.
	again := mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("lamp-1"), AttributePayload: attrs("site", "berlin", "serial", "SN-1")})
	if aws.ToString(again.ThingId) != aws.ToString(created.ThingId) {
		t.Errorf("idempotent CreateThing returned id %s, want %s", aws.ToString(again.ThingId), aws.ToString(created.ThingId))
	}
	_, err = c.CreateThing(ctx(t), &awsiot.CreateThingInput{ThingName: aws.String("lamp-1"), AttributePayload: attrs("serial", "SN-2")})
	exists := wantErr[*types.ResourceAlreadyExistsException](t, err)
	if aws.ToString(exists.ResourceId) != aws.ToString(created.ThingId) || aws.ToString(exists.ResourceArn) != aws.ToString(created.ThingArn) {
		t.Errorf("ResourceAlreadyExists names %s %s", aws.ToString(exists.ResourceId), aws.ToString(exists.ResourceArn))
	}

	// Merge sets and removes (empty value); without merge the payload replaces.
	_, err = c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("lamp-1"), ExpectedVersion: aws.Int64(1),
		AttributePayload: &types.AttributePayload{Attributes: map[string]string{"site": "", "floor": "2"}, Merge: true}})
	if err != nil {
		t.Fatal(err)
	}
	desc, _ = c.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("lamp-1")})
	if diff := cmp.Diff(map[string]string{"serial": "SN-1", "floor": "2"}, desc.Attributes); diff != "" || desc.Version != 2 {
		t.Errorf("after merge: version %d, attributes (-want +got):\n%s", desc.Version, diff)
	}
	_, err = c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("lamp-1"), AttributePayload: attrs("only", "this")})
	if err != nil {
		t.Fatal(err)
	}
	// An update without a payload leaves the attributes alone.
	if _, err := c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("lamp-1")}); err != nil {
		t.Fatal(err)
	}
	desc, _ = c.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("lamp-1")})
	if diff := cmp.Diff(map[string]string{"only": "this"}, desc.Attributes); diff != "" || desc.Version != 4 {
		t.Errorf("after replace: version %d, attributes (-want +got):\n%s", desc.Version, diff)
	}

	// A stale expectedVersion is a conflict, for update and delete.
	_, err = c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("lamp-1"), ExpectedVersion: aws.Int64(1)})
	wantErr[*types.VersionConflictException](t, err)
	_, err = c.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("lamp-1"), ExpectedVersion: aws.Int64(3)})
	wantErr[*types.VersionConflictException](t, err)

	// Not found, and the idempotent delete AWS documents.
	_, err = c.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("nope")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("nope")})
	wantErr[*types.ResourceNotFoundException](t, err)
	if _, err := c.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("nope")}); err != nil {
		t.Errorf("DeleteThing of a missing thing: %v, want success", err)
	}
	if _, err := c.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("lamp-1"), ExpectedVersion: aws.Int64(4)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("lamp-1")})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestThingRules(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	four := attrs("a", "1", "b", "2", "c", "3", "d", "4")
	_, err := c.CreateThing(ctx(t), &awsiot.CreateThingInput{ThingName: aws.String("untyped"), AttributePayload: four})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.CreateThing(ctx(t), &awsiot.CreateThingInput{ThingName: aws.String("t"), ThingTypeName: aws.String("no-type")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = c.CreateThing(ctx(t), &awsiot.CreateThingInput{ThingName: aws.String("t"), BillingGroupName: aws.String("bg")})
	wantErr[*types.ResourceNotFoundException](t, err)

	if _, err := c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String("sensor")}); err != nil {
		t.Fatal(err)
	}
	// A typed thing may have more attributes.
	mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("typed"), ThingTypeName: aws.String("sensor"), AttributePayload: four})
	desc, _ := c.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("typed")})
	if aws.ToString(desc.ThingTypeName) != "sensor" || len(desc.Attributes) != 4 {
		t.Errorf("typed thing = %+v", desc)
	}
	// Removing the type would leave four attributes on an untyped thing.
	_, err = c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("typed"), RemoveThingType: true})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("typed"), RemoveThingType: true, ThingTypeName: aws.String("sensor")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("typed"), RemoveThingType: true, AttributePayload: attrs("a", "1")})
	if err != nil {
		t.Fatal(err)
	}
	desc, _ = c.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("typed")})
	if desc.ThingTypeName != nil || len(desc.Attributes) != 1 {
		t.Errorf("after removing the type: %+v", desc)
	}

	// A deprecated type takes no new things.
	if _, err := c.DeprecateThingType(ctx(t), &awsiot.DeprecateThingTypeInput{ThingTypeName: aws.String("sensor")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateThing(ctx(t), &awsiot.CreateThingInput{ThingName: aws.String("late"), ThingTypeName: aws.String("sensor")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("typed"), ThingTypeName: aws.String("sensor")})
	wantErr[*types.InvalidRequestException](t, err)
	if _, err := c.DeprecateThingType(ctx(t), &awsiot.DeprecateThingTypeInput{ThingTypeName: aws.String("sensor"), UndoDeprecate: true}); err != nil {
		t.Fatal(err)
	}
	mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("late"), ThingTypeName: aws.String("sensor")})
}

func TestListThings(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	for _, tt := range []string{"cam", "lamp"} {
		if _, err := c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String(tt)}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 7 {
		typ := "lamp"
		if i%2 == 0 {
			typ = "cam"
		}
		mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String(fmt.Sprintf("dev-%d", i)), ThingTypeName: aws.String(typ),
			AttributePayload: attrs("serial", fmt.Sprintf("SN-%d%d", i/3, i), "floor", fmt.Sprint(i%3))})
	}
	list := func(in *awsiot.ListThingsInput) []string {
		t.Helper()
		in.MaxResults = aws.Int32(2)
		var names []string
		pages := 0
		p := awsiot.NewListThingsPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, th := range page.Things {
				names = append(names, aws.ToString(th.ThingName))
			}
		}
		if pages > len(names)/2+1 {
			t.Errorf("%d pages for %d things at 2 a page", pages, len(names))
		}
		return names
	}
	for _, tc := range []struct {
		name string
		in   awsiot.ListThingsInput
		want []string
	}{
		{"all", awsiot.ListThingsInput{}, []string{"dev-0", "dev-1", "dev-2", "dev-3", "dev-4", "dev-5", "dev-6"}},
		{"type", awsiot.ListThingsInput{ThingTypeName: aws.String("lamp")}, []string{"dev-1", "dev-3", "dev-5"}},
		{"attribute", awsiot.ListThingsInput{AttributeName: aws.String("floor"), AttributeValue: aws.String("0")}, []string{"dev-0", "dev-3", "dev-6"}},
		{"attribute and type", awsiot.ListThingsInput{AttributeName: aws.String("floor"), AttributeValue: aws.String("0"), ThingTypeName: aws.String("cam")}, []string{"dev-0", "dev-6"}},
		{"value prefix", awsiot.ListThingsInput{AttributeName: aws.String("serial"), AttributeValue: aws.String("SN-1"), UsePrefixAttributeValue: true}, []string{"dev-3", "dev-4", "dev-5"}},
		{"no match", awsiot.ListThingsInput{ThingTypeName: aws.String("nothing")}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, list(&tc.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	// A listed thing carries its ARN, type, attributes and version.
	out, err := c.ListThings(ctx(t), &awsiot.ListThingsInput{AttributeName: aws.String("serial"), AttributeValue: aws.String("SN-00")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Things) != 1 {
		t.Fatalf("ListThings by serial = %+v", out.Things)
	}
	th := out.Things[0]
	if aws.ToString(th.ThingArn) != thingARNPrefix+"thing/dev-0" || aws.ToString(th.ThingTypeName) != "cam" || th.Version != 1 ||
		th.Attributes["floor"] != "0" || out.NextToken != nil {
		t.Errorf("listed thing = %+v, nextToken %v", th, out.NextToken)
	}

	// Tokens: a forged one, and one from another listing, are refused.
	first, err := c.ListThings(ctx(t), &awsiot.ListThingsInput{MaxResults: aws.Int32(2)})
	if err != nil || first.NextToken == nil {
		t.Fatalf("first page: %v, token %v", err, first.NextToken)
	}
	_, err = c.ListThings(ctx(t), &awsiot.ListThingsInput{NextToken: aws.String("forged" + strings.Repeat("A", 60))})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.ListThings(ctx(t), &awsiot.ListThingsInput{NextToken: first.NextToken, ThingTypeName: aws.String("cam")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.ListThings(ctx(t), &awsiot.ListThingsInput{AttributeValue: aws.String("0")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.ListThings(ctx(t), &awsiot.ListThingsInput{MaxResults: aws.Int32(251)})
	wantErr[*types.InvalidRequestException](t, err)
}

func TestThingTypes(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	props := &types.ThingTypeProperties{
		ThingTypeDescription: aws.String("A lamp"),
		SearchableAttributes: []string{"serial", "wattage"},
		Mqtt5Configuration: &types.Mqtt5Configuration{PropagatingAttributes: []types.PropagatingAttribute{
			{UserPropertyKey: aws.String("sn"), ThingAttribute: aws.String("serial")},
			{UserPropertyKey: aws.String("cid"), ConnectionAttribute: aws.String("iot:ClientId")},
		}},
	}
	before := time.Now().Add(-time.Second)
	created, err := c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String("lamp"), ThingTypeProperties: props})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.ThingTypeArn) != thingARNPrefix+"thingtype/lamp" || aws.ToString(created.ThingTypeId) == "" {
		t.Errorf("CreateThingType = %+v", created)
	}
	again, err := c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String("lamp"), ThingTypeProperties: props})
	if err != nil || aws.ToString(again.ThingTypeId) != aws.ToString(created.ThingTypeId) {
		t.Errorf("idempotent CreateThingType = %+v, %v", again, err)
	}
	_, err = c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String("lamp"),
		ThingTypeProperties: &types.ThingTypeProperties{ThingTypeDescription: aws.String("other")}})
	wantErr[*types.ResourceAlreadyExistsException](t, err)
	_, err = c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String("many"),
		ThingTypeProperties: &types.ThingTypeProperties{SearchableAttributes: []string{"a", "b", "c", "d"}}})
	wantErr[*types.InvalidRequestException](t, err)

	desc, err := c.DescribeThingType(ctx(t), &awsiot.DescribeThingTypeInput{ThingTypeName: aws.String("lamp")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(props, desc.ThingTypeProperties, cmp.AllowUnexported(types.ThingTypeProperties{}, types.Mqtt5Configuration{}, types.PropagatingAttribute{})); diff != "" {
		t.Errorf("properties (-want +got):\n%s", diff)
	}
	m := desc.ThingTypeMetadata
	if m == nil || m.Deprecated || m.DeprecationDate != nil || m.CreationDate == nil || m.CreationDate.Before(before) {
		t.Errorf("metadata = %+v", m)
	}

	// Deprecate, undo, and the rules of deletion.
	_, err = c.DeleteThingType(ctx(t), &awsiot.DeleteThingTypeInput{ThingTypeName: aws.String("lamp")})
	wantErr[*types.InvalidRequestException](t, err) // not deprecated
	if _, err := c.DeprecateThingType(ctx(t), &awsiot.DeprecateThingTypeInput{ThingTypeName: aws.String("lamp")}); err != nil {
		t.Fatal(err)
	}
	desc, _ = c.DescribeThingType(ctx(t), &awsiot.DescribeThingTypeInput{ThingTypeName: aws.String("lamp")})
	if !desc.ThingTypeMetadata.Deprecated || desc.ThingTypeMetadata.DeprecationDate == nil {
		t.Errorf("deprecated metadata = %+v", desc.ThingTypeMetadata)
	}
	_, err = c.DeleteThingType(ctx(t), &awsiot.DeleteThingTypeInput{ThingTypeName: aws.String("lamp")})
	wantErr[*types.InvalidRequestException](t, err) // deprecated less than five minutes ago

	// Updating the properties.
	_, err = c.UpdateThingType(ctx(t), &awsiot.UpdateThingTypeInput{ThingTypeName: aws.String("lamp"),
		ThingTypeProperties: &types.ThingTypeProperties{Mqtt5Configuration: &types.Mqtt5Configuration{}}})
	if err != nil {
		t.Fatal(err)
	}
	desc, _ = c.DescribeThingType(ctx(t), &awsiot.DescribeThingTypeInput{ThingTypeName: aws.String("lamp")})
	if desc.ThingTypeProperties.Mqtt5Configuration != nil || aws.ToString(desc.ThingTypeProperties.ThingTypeDescription) != "A lamp" {
		t.Errorf("after UpdateThingType: %+v", desc.ThingTypeProperties)
	}

	for _, name := range []string{"lamp-mini", "camera"} {
		if _, err := c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	var names []string
	p := awsiot.NewListThingTypesPaginator(c, &awsiot.ListThingTypesInput{MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range page.ThingTypes {
			names = append(names, aws.ToString(d.ThingTypeName))
			if aws.ToString(d.ThingTypeArn) != thingARNPrefix+"thingtype/"+aws.ToString(d.ThingTypeName) || d.ThingTypeMetadata == nil {
				t.Errorf("listed type = %+v", d)
			}
		}
	}
	if diff := cmp.Diff([]string{"camera", "lamp", "lamp-mini"}, names); diff != "" {
		t.Errorf("ListThingTypes (-want +got):\n%s", diff)
	}
	out, err := c.ListThingTypes(ctx(t), &awsiot.ListThingTypesInput{ThingTypeName: aws.String("lamp")})
	if err != nil || len(out.ThingTypes) != 2 {
		t.Errorf("ListThingTypes(lamp) = %+v, %v; want lamp and lamp-mini", out, err)
	}

	for _, call := range []func() error{
		func() error {
			_, err := c.DescribeThingType(ctx(t), &awsiot.DescribeThingTypeInput{ThingTypeName: aws.String("nope")})
			return err
		},
		func() error {
			_, err := c.DeprecateThingType(ctx(t), &awsiot.DeprecateThingTypeInput{ThingTypeName: aws.String("nope")})
			return err
		},
		func() error {
			_, err := c.DeleteThingType(ctx(t), &awsiot.DeleteThingTypeInput{ThingTypeName: aws.String("nope")})
			return err
		},
		func() error {
			_, err := c.UpdateThingType(ctx(t), &awsiot.UpdateThingTypeInput{ThingTypeName: aws.String("nope")})
			return err
		},
	} {
		wantErr[*types.ResourceNotFoundException](t, call())
	}
}

// newEnvWithClock starts iotdefender with a fake clock set to now, for the rules
// that take minutes. The clock signs too, so keep moves within SigV4's 15
// minutes of skew.
func newEnvWithClock(t *testing.T) (*env, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Now())
	a, err := app.New(context.Background(), app.Config{
		DataDir: t.TempDir(), Region: region, Endpoint: "iot.test:443",
		AccountID: firstAccount, AccessKeyID: firstKeyID, SecretAccessKey: firstSecret,
		KeyPoolSize: -1, Clock: clk,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e := &env{t: t, app: a, url: srv.URL}
	e.Client = e.client(firstKeyID, firstSecret)
	return e, clk
}

func TestDeleteThingTypeAfterDeprecation(t *testing.T) {
	e, clk := newEnvWithClock(t)
	c := e.Client
	for _, name := range []string{"old", "used"} {
		if _, err := c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("dev"), ThingTypeName: aws.String("used")})
	for _, name := range []string{"old", "used"} {
		if _, err := c.DeprecateThingType(ctx(t), &awsiot.DeprecateThingTypeInput{ThingTypeName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(4 * time.Minute)
	_, err := c.DeleteThingType(ctx(t), &awsiot.DeleteThingTypeInput{ThingTypeName: aws.String("old")})
	wantErr[*types.InvalidRequestException](t, err)
	clk.Advance(time.Minute + time.Second)
	if _, err := c.DeleteThingType(ctx(t), &awsiot.DeleteThingTypeInput{ThingTypeName: aws.String("old")}); err != nil {
		t.Fatalf("DeleteThingType five minutes after deprecation: %v", err)
	}
	_, err = c.DescribeThingType(ctx(t), &awsiot.DescribeThingTypeInput{ThingTypeName: aws.String("old")})
	wantErr[*types.ResourceNotFoundException](t, err)
	// A type still on a thing stays.
	_, err = c.DeleteThingType(ctx(t), &awsiot.DeleteThingTypeInput{ThingTypeName: aws.String("used")})
	wantErr[*types.InvalidRequestException](t, err)
	if _, err := c.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteThingType(ctx(t), &awsiot.DeleteThingTypeInput{ThingTypeName: aws.String("used")}); err != nil {
		t.Errorf("DeleteThingType once no thing has it: %v", err)
	}
}

func TestThingGroups(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	root := mustThingGroup(t, c, "building", "")
	if aws.ToString(root.ThingGroupArn) != thingARNPrefix+"thinggroup/building" || aws.ToString(root.ThingGroupId) == "" {
		t.Errorf("CreateThingGroup = %+v", root)
	}
	mustThingGroup(t, c, "floor1", "building")
	mustThingGroup(t, c, "floor2", "building")
	mustThingGroup(t, c, "room101", "floor1")
	mustThingGroup(t, c, "fleet", "")

	desc, err := c.DescribeThingGroup(ctx(t), &awsiot.DescribeThingGroupInput{ThingGroupName: aws.String("room101")})
	if err != nil {
		t.Fatal(err)
	}
	md := desc.ThingGroupMetadata
	if aws.ToString(md.ParentGroupName) != "floor1" || md.CreationDate == nil || desc.Version != 1 {
		t.Errorf("DescribeThingGroup = %+v, metadata %+v", desc, md)
	}
	var chain []string
	for _, g := range md.RootToParentThingGroups {
		chain = append(chain, aws.ToString(g.GroupName)+" "+aws.ToString(g.GroupArn))
	}
	if diff := cmp.Diff([]string{"building " + thingARNPrefix + "thinggroup/building", "floor1 " + thingARNPrefix + "thinggroup/floor1"}, chain); diff != "" {
		t.Errorf("rootToParentThingGroups (-want +got):\n%s", diff)
	}
	if desc.Status != "" || desc.QueryString != nil {
		t.Errorf("a static group has status %q, query %v", desc.Status, desc.QueryString)
	}

	// Creation rules: idempotent, conflicting, unknown parent, depth.
	if _, err := c.CreateThingGroup(ctx(t), &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("floor1"), ParentGroupName: aws.String("building")}); err != nil {
		t.Errorf("idempotent CreateThingGroup: %v", err)
	}
	_, err = c.CreateThingGroup(ctx(t), &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("floor1")})
	wantErr[*types.ResourceAlreadyExistsException](t, err)
	_, err = c.CreateThingGroup(ctx(t), &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("x"), ParentGroupName: aws.String("nope")})
	wantErr[*types.InvalidRequestException](t, err)
	parent := "fleet"
	for level := 2; level <= 7; level++ {
		name := fmt.Sprintf("level%d", level)
		mustThingGroup(t, c, name, parent)
		parent = name
	}
	_, err = c.CreateThingGroup(ctx(t), &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("level8"), ParentGroupName: aws.String("level7")})
	wantErr[*types.InvalidRequestException](t, err)

	// Update with properties and versions.
	up, err := c.UpdateThingGroup(ctx(t), &awsiot.UpdateThingGroupInput{ThingGroupName: aws.String("floor1"), ExpectedVersion: aws.Int64(1),
		ThingGroupProperties: &types.ThingGroupProperties{ThingGroupDescription: aws.String("First floor"), AttributePayload: attrs("level", "1", "wing", "east")}})
	if err != nil || up.Version != 2 {
		t.Fatalf("UpdateThingGroup = %+v, %v", up, err)
	}
	up, err = c.UpdateThingGroup(ctx(t), &awsiot.UpdateThingGroupInput{ThingGroupName: aws.String("floor1"),
		ThingGroupProperties: &types.ThingGroupProperties{AttributePayload: &types.AttributePayload{Attributes: map[string]string{"wing": ""}, Merge: true}}})
	if err != nil || up.Version != 3 {
		t.Fatalf("UpdateThingGroup merge = %+v, %v", up, err)
	}
	desc, _ = c.DescribeThingGroup(ctx(t), &awsiot.DescribeThingGroupInput{ThingGroupName: aws.String("floor1")})
	if p := desc.ThingGroupProperties; aws.ToString(p.ThingGroupDescription) != "First floor" || !cmp.Equal(map[string]string{"level": "1"}, p.AttributePayload.Attributes) {
		t.Errorf("properties after updates = %+v %+v", p, p.AttributePayload)
	}
	_, err = c.UpdateThingGroup(ctx(t), &awsiot.UpdateThingGroupInput{ThingGroupName: aws.String("floor1"), ExpectedVersion: aws.Int64(1),
		ThingGroupProperties: &types.ThingGroupProperties{}})
	wantErr[*types.VersionConflictException](t, err)
	_, err = c.UpdateThingGroup(ctx(t), &awsiot.UpdateThingGroupInput{ThingGroupName: aws.String("nope"), ThingGroupProperties: &types.ThingGroupProperties{}})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = c.DescribeThingGroup(ctx(t), &awsiot.DescribeThingGroupInput{ThingGroupName: aws.String("nope")})
	wantErr[*types.ResourceNotFoundException](t, err)

	// Listings.
	listGroups := func(in *awsiot.ListThingGroupsInput) []string {
		t.Helper()
		in.MaxResults = aws.Int32(3)
		var names []string
		p := awsiot.NewListThingGroupsPaginator(c, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range page.ThingGroups {
				if aws.ToString(g.GroupArn) != thingARNPrefix+"thinggroup/"+aws.ToString(g.GroupName) {
					t.Errorf("listed group %+v", g)
				}
				names = append(names, aws.ToString(g.GroupName))
			}
		}
		return names
	}
	levels := []string{"level2", "level3", "level4", "level5", "level6", "level7"}
	for _, tc := range []struct {
		name string
		in   awsiot.ListThingGroupsInput
		want []string
	}{
		{"all", awsiot.ListThingGroupsInput{}, append([]string{"building", "fleet", "floor1", "floor2"}, append(levels, "room101")...)},
		{"roots", awsiot.ListThingGroupsInput{Recursive: aws.Bool(false)}, []string{"building", "fleet"}},
		{"children", awsiot.ListThingGroupsInput{ParentGroup: aws.String("building")}, []string{"floor1", "floor2"}},
		{"descendants", awsiot.ListThingGroupsInput{ParentGroup: aws.String("building"), Recursive: aws.Bool(true)}, []string{"floor1", "floor2", "room101"}},
		{"prefix", awsiot.ListThingGroupsInput{NamePrefixFilter: aws.String("fl")}, []string{"fleet", "floor1", "floor2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, listGroups(&tc.in)); diff != "" {
				t.Errorf("ListThingGroups (-want +got):\n%s", diff)
			}
		})
	}
	_, err = c.ListThingGroups(ctx(t), &awsiot.ListThingGroupsInput{ParentGroup: aws.String("nope")})
	wantErr[*types.ResourceNotFoundException](t, err)

	// Deletion: not while child groups remain; a missing group is a success.
	_, err = c.DeleteThingGroup(ctx(t), &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("floor1")})
	inv := wantErr[*types.InvalidRequestException](t, err)
	if !strings.Contains(aws.ToString(inv.Message), "child groups") {
		t.Errorf("message = %q", aws.ToString(inv.Message))
	}
	_, err = c.DeleteThingGroup(ctx(t), &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("floor2"), ExpectedVersion: aws.Int64(9)})
	wantErr[*types.VersionConflictException](t, err)
	if _, err := c.DeleteThingGroup(ctx(t), &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("floor2"), ExpectedVersion: aws.Int64(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteThingGroup(ctx(t), &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("floor2")}); err != nil {
		t.Errorf("DeleteThingGroup of a missing group: %v, want success", err)
	}
}

func TestThingGroupMembership(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	mustThingGroup(t, c, "building", "")
	mustThingGroup(t, c, "floor1", "building")
	mustThingGroup(t, c, "floor2", "building")
	mustThingGroup(t, c, "room101", "floor1")
	for i := range 11 {
		mustThingGroup(t, c, fmt.Sprintf("tag%02d", i), "")
	}
	for _, name := range []string{"a", "b", "c"} {
		mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String(name)})
	}
	add := func(thing, group string) error {
		_, err := c.AddThingToThingGroup(ctx(t), &awsiot.AddThingToThingGroupInput{ThingName: aws.String(thing), ThingGroupName: aws.String(group)})
		return err
	}
	for _, m := range [][2]string{{"a", "building"}, {"b", "floor1"}, {"c", "room101"}, {"c", "tag00"}} {
		if err := add(m[0], m[1]); err != nil {
			t.Fatalf("add %s to %s: %v", m[0], m[1], err)
		}
	}
	// By ARN, and again (a no-op).
	if _, err := c.AddThingToThingGroup(ctx(t), &awsiot.AddThingToThingGroupInput{
		ThingArn: aws.String(thingARNPrefix + "thing/a"), ThingGroupArn: aws.String(thingARNPrefix + "thinggroup/tag00")}); err != nil {
		t.Fatalf("add by ARN: %v", err)
	}
	if err := add("a", "tag00"); err != nil {
		t.Errorf("adding again: %v", err)
	}

	// Rules: one group per hierarchy, ten groups at most, existing resources.
	wantErr[*types.InvalidRequestException](t, add("a", "floor2"))
	wantErr[*types.ResourceNotFoundException](t, add("nope", "tag01"))
	wantErr[*types.ResourceNotFoundException](t, add("a", "nope"))
	_, err := c.AddThingToThingGroup(ctx(t), &awsiot.AddThingToThingGroupInput{ThingName: aws.String("a")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.AddThingToThingGroup(ctx(t), &awsiot.AddThingToThingGroupInput{ThingName: aws.String("a"),
		ThingGroupArn: aws.String("arn:aws:iot:" + region + ":210987654321:thinggroup/tag01")})
	wantErr[*types.ResourceNotFoundException](t, err)
	for i := 1; i <= 9; i++ { // b is in floor1 and joins nine more: ten.
		if err := add("b", fmt.Sprintf("tag%02d", i)); err != nil {
			t.Fatalf("add b to its group %d: %v", i+1, err)
		}
	}
	wantErr[*types.InvalidRequestException](t, add("b", "tag10"))

	inGroup := func(group string, recursive bool) []string {
		t.Helper()
		var names []string
		p := awsiot.NewListThingsInThingGroupPaginator(c, &awsiot.ListThingsInThingGroupInput{
			ThingGroupName: aws.String(group), Recursive: recursive, MaxResults: aws.Int32(1)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			names = append(names, page.Things...)
		}
		return names
	}
	if diff := cmp.Diff([]string{"a"}, inGroup("building", false)); diff != "" {
		t.Errorf("things in building (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "b", "c"}, inGroup("building", true)); diff != "" {
		t.Errorf("things in building, recursive (-want +got):\n%s", diff)
	}
	_, err = c.ListThingsInThingGroup(ctx(t), &awsiot.ListThingsInThingGroupInput{ThingGroupName: aws.String("nope")})
	wantErr[*types.ResourceNotFoundException](t, err)

	groupsOf := func(thing string) []string {
		t.Helper()
		var names []string
		p := awsiot.NewListThingGroupsForThingPaginator(c, &awsiot.ListThingGroupsForThingInput{ThingName: aws.String(thing), MaxResults: aws.Int32(4)})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range page.ThingGroups {
				names = append(names, aws.ToString(g.GroupName))
			}
		}
		return names
	}
	if diff := cmp.Diff([]string{"building", "tag00"}, groupsOf("a")); diff != "" {
		t.Errorf("groups of a (-want +got):\n%s", diff)
	}
	if got := groupsOf("b"); len(got) != 10 {
		t.Errorf("groups of b = %v, want 10", got)
	}
	_, err = c.ListThingGroupsForThing(ctx(t), &awsiot.ListThingGroupsForThingInput{ThingName: aws.String("nope")})
	wantErr[*types.ResourceNotFoundException](t, err)

	// Move a within its hierarchy in one call; a refused call changes nothing.
	_, err = c.UpdateThingGroupsForThing(ctx(t), &awsiot.UpdateThingGroupsForThingInput{ThingName: aws.String("a"),
		ThingGroupsToRemove: []string{"tag00"}, ThingGroupsToAdd: []string{"floor2", "tag01"}})
	wantErr[*types.InvalidRequestException](t, err) // still in building
	if diff := cmp.Diff([]string{"building", "tag00"}, groupsOf("a")); diff != "" {
		t.Errorf("groups of a after a refused update (-want +got):\n%s", diff)
	}
	if _, err := c.UpdateThingGroupsForThing(ctx(t), &awsiot.UpdateThingGroupsForThingInput{ThingName: aws.String("a"),
		ThingGroupsToRemove: []string{"building", "tag00"}, ThingGroupsToAdd: []string{"floor2", "tag01"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"floor2", "tag01"}, groupsOf("a")); diff != "" {
		t.Errorf("groups of a after the update (-want +got):\n%s", diff)
	}
	_, err = c.UpdateThingGroupsForThing(ctx(t), &awsiot.UpdateThingGroupsForThingInput{ThingName: aws.String("a"), ThingGroupsToAdd: []string{"nope"}})
	wantErr[*types.ResourceNotFoundException](t, err)

	// Remove: by name, again (a no-op), unknown thing.
	for range 2 {
		if _, err := c.RemoveThingFromThingGroup(ctx(t), &awsiot.RemoveThingFromThingGroupInput{ThingName: aws.String("c"), ThingGroupName: aws.String("room101")}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.RemoveThingFromThingGroup(ctx(t), &awsiot.RemoveThingFromThingGroupInput{ThingName: aws.String("nope"), ThingGroupName: aws.String("room101")})
	wantErr[*types.ResourceNotFoundException](t, err)
	if diff := cmp.Diff([]string{"a", "b"}, inGroup("building", true)); diff != "" {
		t.Errorf("things in building after removal (-want +got):\n%s", diff)
	}

	// Deleting a group or a thing ends its memberships.
	if _, err := c.DeleteThingGroup(ctx(t), &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("tag01")}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"floor2"}, groupsOf("a")); diff != "" {
		t.Errorf("groups of a after its group was deleted (-want +got):\n%s", diff)
	}
	if _, err := c.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("b")}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a"}, inGroup("building", true)); diff != "" {
		t.Errorf("things in building after b was deleted (-want +got):\n%s", diff)
	}
	// A new thing of the deleted one's name starts with no group.
	mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("b")})
	if got := groupsOf("b"); len(got) != 0 {
		t.Errorf("groups of a recreated thing = %v", got)
	}
}

func TestThingFamilyAccountIsolation(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	other := e.otherAccount("210987654321")
	mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("mine")})
	mustThingGroup(t, c, "my-group", "")
	if _, err := c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String("my-type")}); err != nil {
		t.Fatal(err)
	}
	if err := func() error {
		_, err := c.AddThingToThingGroup(ctx(t), &awsiot.AddThingToThingGroupInput{ThingName: aws.String("mine"), ThingGroupName: aws.String("my-group")})
		return err
	}(); err != nil {
		t.Fatal(err)
	}

	_, err := other.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("mine")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.DescribeThingGroup(ctx(t), &awsiot.DescribeThingGroupInput{ThingGroupName: aws.String("my-group")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.DescribeThingType(ctx(t), &awsiot.DescribeThingTypeInput{ThingTypeName: aws.String("my-type")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.UpdateThing(ctx(t), &awsiot.UpdateThingInput{ThingName: aws.String("mine"), AttributePayload: attrs("k", "v")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.CreateThing(ctx(t), &awsiot.CreateThingInput{ThingName: aws.String("theirs"), ThingTypeName: aws.String("my-type")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.AddThingToThingGroup(ctx(t), &awsiot.AddThingToThingGroupInput{
		ThingArn: aws.String(thingARNPrefix + "thing/mine"), ThingGroupArn: aws.String(thingARNPrefix + "thinggroup/my-group")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.ListThingsInThingGroup(ctx(t), &awsiot.ListThingsInThingGroupInput{ThingGroupName: aws.String("my-group")})
	wantErr[*types.ResourceNotFoundException](t, err)
	for _, list := range []func() (int, error){
		func() (int, error) {
			out, err := other.ListThings(ctx(t), &awsiot.ListThingsInput{})
			return len(out.Things), err
		},
		func() (int, error) {
			out, err := other.ListThingGroups(ctx(t), &awsiot.ListThingGroupsInput{})
			return len(out.ThingGroups), err
		},
		func() (int, error) {
			out, err := other.ListThingTypes(ctx(t), &awsiot.ListThingTypesInput{})
			return len(out.ThingTypes), err
		},
	} {
		if n, err := list(); err != nil || n != 0 {
			t.Errorf("the other account lists %d resources (%v), want none", n, err)
		}
	}
	// Deletes by the other account are no-ops on its own (empty) registry.
	if _, err := other.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("mine")}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.DeleteThingGroup(ctx(t), &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("my-group")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DescribeThing(ctx(t), &awsiot.DescribeThingInput{ThingName: aws.String("mine")}); err != nil {
		t.Errorf("the first account's thing after the other's delete: %v", err)
	}
	// A page token of one account is no good to another.
	mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("mine-2")})
	page, err := c.ListThings(ctx(t), &awsiot.ListThingsInput{MaxResults: aws.Int32(1)})
	if err != nil || page.NextToken == nil {
		t.Fatalf("ListThings: %v, token %v", err, page.NextToken)
	}
	_, err = other.ListThings(ctx(t), &awsiot.ListThingsInput{MaxResults: aws.Int32(1), NextToken: page.NextToken})
	wantErr[*types.InvalidRequestException](t, err)
}

func TestThingFamilyTagsAndPrincipals(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}, {Key: aws.String("env"), Value: aws.String("prod")}}
	group, err := c.CreateThingGroup(ctx(t), &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("tagged"), Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := c.CreateThingType(ctx(t), &awsiot.CreateThingTypeInput{ThingTypeName: aws.String("tagged-type"), Tags: tags[:1]})
	if err != nil {
		t.Fatal(err)
	}
	tagsOf := func(arn string) map[string]string {
		t.Helper()
		out, err := c.ListTagsForResource(ctx(t), &awsiot.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]string{}
		for _, tg := range out.Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	if diff := cmp.Diff(map[string]string{"team": "ops", "env": "prod"}, tagsOf(aws.ToString(group.ThingGroupArn))); diff != "" {
		t.Errorf("group tags (-want +got):\n%s", diff)
	}
	if _, err := c.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: typ.ThingTypeArn, Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{"team": "ops", "k": "v"}, tagsOf(aws.ToString(typ.ThingTypeArn))); diff != "" {
		t.Errorf("type tags (-want +got):\n%s", diff)
	}
	_, err = c.CreateThingGroup(ctx(t), &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("reserved"),
		Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: aws.String(thingARNPrefix + "thinggroup/none"),
		Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	wantErr[*types.ResourceNotFoundException](t, err)

	// A deleted group's tags go with it.
	if _, err := c.DeleteThingGroup(ctx(t), &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("tagged")}); err != nil {
		t.Fatal(err)
	}
	mustThingGroup(t, c, "tagged", "")
	if got := tagsOf(aws.ToString(group.ThingGroupArn)); len(got) != 0 {
		t.Errorf("a recreated group has the old group's tags: %v", got)
	}

	// A thing with a principal attached is not deleted.
	cert, err := c.CreateKeysAndCertificate(ctx(t), &awsiot.CreateKeysAndCertificateInput{})
	if err != nil {
		t.Fatal(err)
	}
	mustThing(t, c, &awsiot.CreateThingInput{ThingName: aws.String("device")})
	if _, err := c.AttachThingPrincipal(ctx(t), &awsiot.AttachThingPrincipalInput{ThingName: aws.String("device"), Principal: cert.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("device")})
	wantErr[*types.InvalidRequestException](t, err)
	if _, err := c.DetachThingPrincipal(ctx(t), &awsiot.DetachThingPrincipalInput{ThingName: aws.String("device"), Principal: cert.CertificateArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("device")}); err != nil {
		t.Errorf("DeleteThing once detached: %v", err)
	}
}
