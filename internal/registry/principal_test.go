package registry

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

const cognitoID = "eu-west-1:0f1e2d3c-4b5a-4697-8877-665544332211"

func TestAttachThingPrincipal(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	e.createThings(t, "lamp", "door", "gate")
	a := e.registerDevice(t, iot.CertificateActive)
	b := e.registerDevice(t, iot.CertificateActive)
	other, err := e.r.RegisterCertificateWithoutCA(ctx, certOtherAccount, selfSigned(t, certOpts{}), "")
	if err != nil {
		t.Fatal(err)
	}
	otherARN := e.r.certificateARN(certOtherAccount, other.ID)
	steps := []struct {
		name      string
		thing     string
		principal string
		typ       iot.ThingPrincipalType
		want      iot.Kind // "" for success
	}{
		{"a to lamp", "lamp", a.ARN, "", ""},
		{"a to door", "door", a.ARN, iot.ThingPrincipalNonExclusive, ""},
		{"a again to lamp", "lamp", a.ARN, "", ""},
		{"a exclusively while on two things", "lamp", a.ARN, iot.ThingPrincipalExclusive, iot.InvalidRequest},
		{"b exclusively to lamp", "lamp", b.ARN, iot.ThingPrincipalExclusive, ""},
		{"b to door while exclusive to lamp", "door", b.ARN, "", iot.InvalidRequest},
		{"b exclusively to door while exclusive to lamp", "door", b.ARN, iot.ThingPrincipalExclusive, iot.InvalidRequest},
		{"b back to non-exclusive on lamp", "lamp", b.ARN, iot.ThingPrincipalNonExclusive, ""},
		{"b to door now", "door", b.ARN, "", ""},
		{"a by its ARN in capital hex", "gate", e.r.certificateARN(certAccount, strings.ToUpper(a.ID)), "", ""},
		{"Cognito identity", "lamp", cognitoID, "", ""},
		{"certificate of another account", "lamp", otherARN, "", iot.NotFound},
		{"unknown certificate", "lamp", e.r.certificateARN(certAccount, strings.Repeat("ab", 32)), "", iot.NotFound},
		{"certificate ARN of another region", "lamp", strings.Replace(a.ARN, certRegion, "us-east-1", 1), "", iot.NotFound},
		{"not a principal", "lamp", "arn:aws:iot:eu-west-1:123456789012:thing/lamp", "", iot.InvalidRequest},
		{"unknown thing", "absent", a.ARN, "", iot.NotFound},
	}
	for _, s := range steps {
		err := e.r.AttachThingPrincipal(ctx, certAccount, s.thing, s.principal, s.typ)
		if s.want == "" && err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if s.want != "" {
			t.Run(s.name, func(t *testing.T) { wantCertKind(t, err, s.want) })
		}
	}

	principals, next, err := e.r.ListThingPrincipals(ctx, certAccount, "lamp", "", ListRequest{})
	if err != nil || next != "" {
		t.Fatal(next, err)
	}
	want := []iot.ThingPrincipal{
		{ThingName: "lamp", Principal: a.ARN, Type: iot.ThingPrincipalNonExclusive, AttachedAt: certT0},
		{ThingName: "lamp", Principal: b.ARN, Type: iot.ThingPrincipalNonExclusive, AttachedAt: certT0},
		{ThingName: "lamp", Principal: cognitoID, Type: iot.ThingPrincipalNonExclusive, AttachedAt: certT0},
	}
	if a.ARN > b.ARN {
		want[0], want[1] = want[1], want[0]
	}
	if diff := cmp.Diff(want, principals); diff != "" {
		t.Errorf("principals of lamp (-want +got):\n%s", diff)
	}
	things, _, err := e.r.ListPrincipalThings(ctx, certAccount, a.ARN, "", ListRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := thingNames(things); !cmp.Equal(got, []string{"door", "gate", "lamp"}) {
		t.Errorf("things of a = %v", got)
	}
}

func thingNames(ps []iot.ThingPrincipal) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ThingName)
	}
	return out
}

func TestDetachThingPrincipal(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	e.createThings(t, "lamp", "door")
	a := e.registerDevice(t, iot.CertificateActive)
	if err := e.r.AttachThingPrincipal(ctx, certAccount, "lamp", a.ARN, iot.ThingPrincipalExclusive); err != nil {
		t.Fatal(err)
	}
	wantCertKind(t, e.r.DetachThingPrincipal(ctx, certOtherAccount, "lamp", a.ARN), iot.NotFound)
	if err := e.r.DetachThingPrincipal(ctx, certAccount, "lamp", a.ARN); err != nil {
		t.Fatal(err)
	}
	if err := e.r.DetachThingPrincipal(ctx, certAccount, "lamp", a.ARN); err != nil {
		t.Errorf("detaching again: %v", err)
	}
	if things, _, err := e.r.ListPrincipalThings(ctx, certAccount, a.ARN, "", ListRequest{}); err != nil || len(things) != 0 {
		t.Errorf("things after detach: %v, %v", things, err)
	}
	// Detached, the exclusive principal may go to another thing.
	if err := e.r.AttachThingPrincipal(ctx, certAccount, "door", a.ARN, ""); err != nil {
		t.Error(err)
	}
	wantCertKind(t, e.r.DetachThingPrincipal(ctx, certAccount, "door", "not-a-principal"), iot.InvalidRequest)
	wantCertKind(t, e.r.DetachThingPrincipal(ctx, certAccount, "absent", a.ARN), iot.NotFound)
	// A thing with a principal attached cannot be deleted.
	wantCertKind(t, e.r.DeleteThing(ctx, certAccount, "door", nil), iot.InvalidRequest)
}

func TestPrincipalListings(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	a := e.registerDevice(t, iot.CertificateActive)
	var things []string
	for i := range 5 {
		thing := fmt.Sprintf("thing-%d", i)
		things = append(things, thing)
		e.createThings(t, thing)
		typ := iot.ThingPrincipalNonExclusive
		if err := e.r.AttachThingPrincipal(ctx, certAccount, thing, a.ARN, typ); err != nil {
			t.Fatal(err)
		}
	}
	got := pageIDs(t, func(next string) ([]iot.ThingPrincipal, string, error) {
		return e.r.ListPrincipalThings(ctx, certAccount, a.ARN, "", ListRequest{MaxResults: 2, NextToken: next})
	}, func(p iot.ThingPrincipal) string { return p.ThingName })
	if diff := cmp.Diff(things, got); diff != "" {
		t.Errorf("paged things (-want +got):\n%s", diff)
	}
	if exclusive, _, err := e.r.ListPrincipalThings(ctx, certAccount, a.ARN, iot.ThingPrincipalExclusive, ListRequest{}); err != nil || len(exclusive) != 0 {
		t.Errorf("exclusive things = %v, %v", exclusive, err)
	}

	_, next, _ := e.r.ListPrincipalThings(ctx, certAccount, a.ARN, "", ListRequest{MaxResults: 1})
	_, _, err := e.r.ListThingPrincipals(ctx, certAccount, "thing-0", "", ListRequest{NextToken: next})
	wantCertKind(t, err, iot.InvalidRequest)
	_, _, err = e.r.ListPrincipalThings(ctx, certAccount, a.ARN, iot.ThingPrincipalExclusive, ListRequest{NextToken: next})
	wantCertKind(t, err, iot.InvalidRequest)
	_, _, err = e.r.ListPrincipalThings(ctx, certOtherAccount, a.ARN, "", ListRequest{})
	wantCertKind(t, err, iot.NotFound)
	_, _, err = e.r.ListThingPrincipals(ctx, certAccount, "absent", "", ListRequest{})
	wantCertKind(t, err, iot.NotFound)
	if ps, _, err := e.r.ListPrincipalThings(ctx, certAccount, cognitoID, "", ListRequest{}); err != nil || len(ps) != 0 {
		t.Errorf("things of an unattached Cognito identity = %v, %v", ps, err)
	}
}
