package registry

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// withThingGroups makes the registry resolve thing groups from a fixed tree
// (name -> parent) for the duration of the test, standing in for the thing
// family's registration.
func withThingGroups(t *testing.T, parents map[string]string) {
	saved, had := resourceTypes["thinggroup"]
	resourceTypes["thinggroup"] = resourceType{
		Exists: func(_ context.Context, _ store.ReadTx, name string) (bool, error) {
			_, ok := parents[name]
			return ok, nil
		},
		Ancestors: func(_ context.Context, _ store.ReadTx, name string) ([]string, error) {
			var ancestors []string
			for p := parents[name]; p != ""; p = parents[p] {
				ancestors = append(ancestors, p)
			}
			return ancestors, nil
		},
	}
	t.Cleanup(func() {
		if had {
			resourceTypes["thinggroup"] = saved
		} else {
			delete(resourceTypes, "thinggroup")
		}
	})
}

func createPolicies(t *testing.T, r *Registry, account string, names ...string) {
	t.Helper()
	for _, name := range names {
		_, err := r.CreatePolicy(context.Background(), account, CreatePolicyRequest{Name: name, Document: devicePolicy})
		mustPolicy(t, err)
	}
}

func policyNames(policies []iot.Policy) []string {
	var names []string
	for _, p := range policies {
		names = append(names, p.Name)
	}
	return names
}

func TestAttachPolicyTargets(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	createPolicies(t, r, policyTestAccount, "p")
	groupARN := r.arn(policyTestAccount, "thinggroup/lamps")
	certARN := r.arn(policyTestAccount, "cert/"+"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	for _, tc := range []struct {
		name   string
		policy string
		target string
		want   iot.Kind
	}{
		{"not a target", "p", "lamp", iot.InvalidRequest},
		{"a thing ARN", "p", r.arn(policyTestAccount, "thing/lamp"), iot.InvalidRequest},
		{"another service's ARN", "p", "arn:aws:iam::123456789012:role/x", iot.InvalidRequest},
		{"another account's certificate", "p", "arn:aws:iot:eu-west-1:210987654321:cert/abc", iot.NotFound},
		{"a certificate that does not exist", "p", certARN, iot.NotFound},
		{"a Cognito identity id of the wrong form", "p", "eu-west-1:XYZ", iot.InvalidRequest},
		{"a thing group that does not exist", "p", groupARN, iot.NotFound},
		{"a policy that does not exist", "absent", policyCognitoID(1), iot.NotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantPolicyKind(t, r.AttachPolicy(ctx, policyTestAccount, tc.policy, tc.target), tc.want)
		})
	}
	wantPolicyKind(t, r.AttachPrincipalPolicy(ctx, policyTestAccount, "p", groupARN), iot.InvalidRequest)

	withThingGroups(t, map[string]string{"lamps": ""})
	mustPolicy(t, r.AttachPolicy(ctx, policyTestAccount, "p", groupARN))
	mustPolicy(t, r.AttachPolicy(ctx, policyTestAccount, "p", groupARN)) // again: no change
	mustPolicy(t, r.AttachPrincipalPolicy(ctx, policyTestAccount, "p", policyCognitoID(1)))
	targets, next, err := r.ListTargetsForPolicy(ctx, policyTestAccount, "p", MarkerRequest{})
	mustPolicy(t, err)
	if diff := cmp.Diff([]string{groupARN, policyCognitoID(1)}, targets); diff != "" || next != "" {
		t.Errorf("ListTargetsForPolicy (next %q) (-want +got):\n%s", next, diff)
	}
	principals, _, err := r.ListPolicyPrincipals(ctx, policyTestAccount, "p", MarkerRequest{})
	mustPolicy(t, err)
	if diff := cmp.Diff([]string{policyCognitoID(1)}, principals); diff != "" {
		t.Errorf("ListPolicyPrincipals, thing groups left out (-want +got):\n%s", diff)
	}
	_, _, err = r.ListTargetsForPolicy(ctx, policyTestAccount, "absent", MarkerRequest{})
	wantPolicyKind(t, err, iot.NotFound)

	// Detaching is idempotent; the older form needs the policy to exist.
	mustPolicy(t, r.DetachPolicy(ctx, policyTestAccount, "p", groupARN))
	mustPolicy(t, r.DetachPolicy(ctx, policyTestAccount, "p", groupARN))
	mustPolicy(t, r.DetachPolicy(ctx, policyTestAccount, "absent", groupARN))
	wantPolicyKind(t, r.DetachPolicy(ctx, policyTestAccount, "p", "lamp"), iot.InvalidRequest)
	wantPolicyKind(t, r.DetachPrincipalPolicy(ctx, policyTestAccount, "absent", policyCognitoID(1)), iot.NotFound)
	mustPolicy(t, r.DetachPrincipalPolicy(ctx, policyTestAccount, "p", policyCognitoID(1)))
	targets, _, err = r.ListTargetsForPolicy(ctx, policyTestAccount, "p", MarkerRequest{})
	mustPolicy(t, err)
	if len(targets) != 0 {
		t.Errorf("targets after detaching all = %v", targets)
	}
}

func TestAttachPolicyLimit(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	names := []string{"p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08", "p09", "p10"}
	createPolicies(t, r, policyTestAccount, names...)
	target := policyCognitoID(7)
	for _, name := range names[:iot.MaxPoliciesPerTarget] {
		mustPolicy(t, r.AttachPolicy(ctx, policyTestAccount, name, target))
	}
	wantPolicyKind(t, r.AttachPolicy(ctx, policyTestAccount, "p10", target), iot.LimitExceeded)
	// Attaching one already attached is no new attachment.
	mustPolicy(t, r.AttachPolicy(ctx, policyTestAccount, "p03", target))
	// The limit is per target.
	mustPolicy(t, r.AttachPolicy(ctx, policyTestAccount, "p10", policyCognitoID(8)))

	got := allMarkerPages(t, MarkerRequest{PageSize: 4}, func(req MarkerRequest) ([]iot.Policy, string, error) {
		return r.ListAttachedPolicies(ctx, policyTestAccount, target, false, req)
	})
	if diff := cmp.Diff(names[:iot.MaxPoliciesPerTarget], policyNames(got)); diff != "" {
		t.Errorf("ListAttachedPolicies in pages of 4 (-want +got):\n%s", diff)
	}
	desc, _, err := r.ListPrincipalPolicies(ctx, policyTestAccount, target, MarkerRequest{PageSize: 3})
	mustPolicy(t, err)
	if diff := cmp.Diff([]string{"p09", "p08", "p07"}, policyNames(desc)); diff != "" {
		t.Errorf("ListPrincipalPolicies, descending by default (-want +got):\n%s", diff)
	}
	// The other account sees nothing of it.
	other, _, err := r.ListAttachedPolicies(ctx, policyTestOther, target, false, MarkerRequest{})
	mustPolicy(t, err)
	if len(other) != 0 {
		t.Errorf("another account's ListAttachedPolicies = %v", policyNames(other))
	}
}

func TestListAttachedPoliciesRecursive(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	withThingGroups(t, map[string]string{"building": "", "floor": "building", "room": "floor", "elsewhere": ""})
	createPolicies(t, r, policyTestAccount, "building-p", "floor-p", "room-p", "shared", "elsewhere-p")
	group := func(name string) string { return r.arn(policyTestAccount, "thinggroup/"+name) }
	for _, a := range [][2]string{
		{"building-p", "building"}, {"shared", "building"}, {"floor-p", "floor"}, {"shared", "floor"},
		{"room-p", "room"}, {"elsewhere-p", "elsewhere"},
	} {
		mustPolicy(t, r.AttachPolicy(ctx, policyTestAccount, a[0], group(a[1])))
	}
	for _, tc := range []struct {
		name      string
		group     string
		recursive bool
		want      []string
	}{
		{"direct", "room", false, []string{"room-p"}},
		{"recursive: the group's and its ancestors', each once", "room", true, []string{"building-p", "floor-p", "room-p", "shared"}},
		{"recursive from the root", "building", true, []string{"building-p", "shared"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := allMarkerPages(t, MarkerRequest{PageSize: 3}, func(req MarkerRequest) ([]iot.Policy, string, error) {
				return r.ListAttachedPolicies(ctx, policyTestAccount, group(tc.group), tc.recursive, req)
			})
			if diff := cmp.Diff(tc.want, policyNames(got)); diff != "" {
				t.Errorf("ListAttachedPolicies (-want +got):\n%s", diff)
			}
		})
	}
	_, _, err := r.ListAttachedPolicies(ctx, policyTestAccount, group("absent"), true, MarkerRequest{})
	wantPolicyKind(t, err, iot.NotFound)
}

func TestAttachPolicyToCertificate(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	createPolicies(t, r, policyTestAccount, "p")
	const id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	mustPolicy(t, r.store.Update(ctx, policyTestAccount, func(tx store.Tx) error {
		_, err := tx.CreateCertificate(ctx, iot.Certificate{ID: id, Status: iot.CertificateActive, Mode: iot.CertificateModeDefault,
			DER: []byte{0x30}, CreatedAt: policyT0, LastModifiedAt: policyT0, CustomerVersion: 1, GenerationID: "g"}, nil)
		return err
	}))
	certARN := r.arn(policyTestAccount, "cert/"+id)
	// The id may come in capitals: it is the same certificate.
	mustPolicy(t, r.AttachPrincipalPolicy(ctx, policyTestAccount, "p", r.arn(policyTestAccount, "cert/"+strings.ToUpper(id))))
	mustPolicy(t, r.AttachPolicy(ctx, policyTestAccount, "p", certARN))
	targets, _, err := r.ListTargetsForPolicy(ctx, policyTestAccount, "p", MarkerRequest{})
	mustPolicy(t, err)
	if diff := cmp.Diff([]string{certARN}, targets); diff != "" {
		t.Errorf("ListTargetsForPolicy (-want +got):\n%s", diff)
	}
	policies, _, err := r.ListPrincipalPolicies(ctx, policyTestAccount, certARN, MarkerRequest{})
	mustPolicy(t, err)
	if diff := cmp.Diff([]string{"p"}, policyNames(policies)); diff != "" {
		t.Errorf("ListPrincipalPolicies (-want +got):\n%s", diff)
	}
	// The certificate is the first account's: the other one cannot find it.
	wantPolicyKind(t, r.AttachPolicy(ctx, policyTestOther, "p", certARN), iot.NotFound)
	_, _, err = r.ListAttachedPolicies(ctx, policyTestOther, r.arn(policyTestOther, "cert/"+id), false, MarkerRequest{})
	wantPolicyKind(t, err, iot.NotFound)
	mustPolicy(t, r.DetachPrincipalPolicy(ctx, policyTestAccount, "p", certARN))
	policies, _, err = r.ListAttachedPolicies(ctx, policyTestAccount, certARN, false, MarkerRequest{})
	mustPolicy(t, err)
	if len(policies) != 0 {
		t.Errorf("policies after detaching = %v", policyNames(policies))
	}
}
