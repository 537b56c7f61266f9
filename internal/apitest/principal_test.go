package apitest

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
)

// registerPrincipal registers a certificate without CA and returns its ARN.
func registerPrincipal(t *testing.T, c *awsiot.Client) string {
	t.Helper()
	out, err := c.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{
		CertificatePem: aws.String(selfSignedDevice(t, pkiCert{})), Status: types.CertificateStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.CertificateArn)
}

// createThings creates things in the client's account.
func createThings(t *testing.T, c *awsiot.Client, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := c.CreateThing(ctx(t), &awsiot.CreateThingInput{ThingName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
}

func attach(t *testing.T, c *awsiot.Client, thing, principal string, typ types.ThingPrincipalType) error {
	t.Helper()
	_, err := c.AttachThingPrincipal(ctx(t), &awsiot.AttachThingPrincipalInput{ThingName: &thing, Principal: &principal, ThingPrincipalType: typ})
	return err
}

func TestThingPrincipals(t *testing.T) {
	e := newEnv(t)
	a, b := registerPrincipal(t, e.Client), registerPrincipal(t, e.Client)
	createThings(t, e.Client, "lamp", "door", "gate")
	for _, s := range []struct{ thing, principal string }{{"lamp", a}, {"lamp", b}, {"door", a}} {
		if err := attach(t, e.Client, s.thing, s.principal, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := attach(t, e.Client, "gate", b, types.ThingPrincipalTypeExclusiveThing); err == nil {
		t.Fatal("b, attached to lamp, was attached exclusively to gate")
	} else {
		wantErr[*types.InvalidRequestException](t, err)
	}

	principals, err := e.Client.ListThingPrincipals(ctx(t), &awsiot.ListThingPrincipalsInput{ThingName: aws.String("lamp")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{a, b}
	if a > b {
		want = []string{b, a}
	}
	if diff := cmp.Diff(want, principals.Principals); diff != "" {
		t.Errorf("principals of lamp (-want +got):\n%s", diff)
	}
	v2, err := e.Client.ListThingPrincipalsV2(ctx(t), &awsiot.ListThingPrincipalsV2Input{ThingName: aws.String("lamp")})
	if err != nil {
		t.Fatal(err)
	}
	if len(v2.ThingPrincipalObjects) != 2 || v2.ThingPrincipalObjects[0].ThingPrincipalType != types.ThingPrincipalTypeNonExclusiveThing {
		t.Errorf("principals of lamp (v2) = %+v", v2.ThingPrincipalObjects)
	}
	things, err := e.Client.ListPrincipalThings(ctx(t), &awsiot.ListPrincipalThingsInput{Principal: &a})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"door", "lamp"}, things.Things); diff != "" {
		t.Errorf("things of a (-want +got):\n%s", diff)
	}

	if _, err := e.Client.DetachThingPrincipal(ctx(t), &awsiot.DetachThingPrincipalInput{ThingName: aws.String("lamp"), Principal: &b}); err != nil {
		t.Fatal(err)
	}
	if err := attach(t, e.Client, "gate", b, types.ThingPrincipalTypeExclusiveThing); err != nil {
		t.Fatalf("b, detached from lamp, attached exclusively to gate: %v", err)
	}
	exclusive, err := e.Client.ListPrincipalThingsV2(ctx(t), &awsiot.ListPrincipalThingsV2Input{Principal: &b,
		ThingPrincipalType: types.ThingPrincipalTypeExclusiveThing})
	if err != nil {
		t.Fatal(err)
	}
	if len(exclusive.PrincipalThingObjects) != 1 || aws.ToString(exclusive.PrincipalThingObjects[0].ThingName) != "gate" {
		t.Errorf("exclusive things of b = %+v", exclusive.PrincipalThingObjects)
	}
	if err := attach(t, e.Client, "lamp", b, ""); err == nil {
		t.Error("b, exclusive to gate, was attached to lamp")
	} else {
		wantErr[*types.InvalidRequestException](t, err)
	}

	// A thing with principals attached cannot be deleted; unknown things are refused.
	_, err = e.Client.DeleteThing(ctx(t), &awsiot.DeleteThingInput{ThingName: aws.String("gate")})
	wantErr[*types.InvalidRequestException](t, err)
	wantErr[*types.ResourceNotFoundException](t, attach(t, e.Client, "absent", a, ""))
	_, err = e.Client.DetachThingPrincipal(ctx(t), &awsiot.DetachThingPrincipalInput{ThingName: aws.String("absent"), Principal: &a})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.ListThingPrincipals(ctx(t), &awsiot.ListThingPrincipalsInput{ThingName: aws.String("absent")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.ListThingPrincipalsV2(ctx(t), &awsiot.ListThingPrincipalsV2Input{ThingName: aws.String("absent")})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestThingPrincipalErrors(t *testing.T) {
	e := newEnv(t)
	other := e.otherAccount("210987654321")
	theirs := registerPrincipal(t, other)
	createThings(t, e.Client, "lamp")
	unknown := "arn:aws:iot:us-east-1:123456789012:cert/" + certificateID(selfSignedDevice(t, pkiCert{}))
	tests := []struct {
		name      string
		principal string
		check     func(t *testing.T, err error)
	}{
		{"another account's certificate", theirs, func(t *testing.T, err error) { wantErr[*types.ResourceNotFoundException](t, err) }},
		{"unknown certificate", unknown, func(t *testing.T, err error) { wantErr[*types.ResourceNotFoundException](t, err) }},
		{"not a principal", "arn:aws:iot:us-east-1:123456789012:thing/lamp", func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, attach(t, e.Client, "lamp", tc.principal, ""))
			_, err := e.Client.DetachThingPrincipal(ctx(t), &awsiot.DetachThingPrincipalInput{ThingName: aws.String("lamp"), Principal: &tc.principal})
			tc.check(t, err)
			_, err = e.Client.ListPrincipalThings(ctx(t), &awsiot.ListPrincipalThingsInput{Principal: &tc.principal})
			tc.check(t, err)
		})
	}
}

func TestPrincipalListingsPage(t *testing.T) {
	e := newEnv(t)
	principal := registerPrincipal(t, e.Client)
	var things []string
	for i := range 5 {
		thing := fmt.Sprintf("thing-%d", i)
		things = append(things, thing)
		createThings(t, e.Client, thing)
		if err := attach(t, e.Client, thing, principal, ""); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	p := awsiot.NewListPrincipalThingsPaginator(e.Client, &awsiot.ListPrincipalThingsInput{Principal: &principal, MaxResults: aws.Int32(2)})
	for pages := 0; p.HasMorePages() && pages < 10; pages++ {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Things) > 2 {
			t.Errorf("page of %d things", len(page.Things))
		}
		got = append(got, page.Things...)
	}
	if diff := cmp.Diff(things, got); diff != "" {
		t.Errorf("paged things (-want +got):\n%s", diff)
	}
	_, err := e.Client.ListPrincipalThings(ctx(t), &awsiot.ListPrincipalThingsInput{Principal: &principal, NextToken: aws.String("forged")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = e.Client.ListThingPrincipals(ctx(t), &awsiot.ListThingPrincipalsInput{ThingName: aws.String("thing-0"), NextToken: aws.String("forged")})
	wantErr[*types.InvalidRequestException](t, err)
}
