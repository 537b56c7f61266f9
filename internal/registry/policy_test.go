package registry

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/policydoc"
	"github.com/iotdefender/iotdefender/internal/store"
)

func TestCreateAndGetPolicy(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	p, err := r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "lamp", Document: devicePolicy})
	mustPolicy(t, err)
	want := iot.Policy{Name: "lamp", ARN: "arn:aws:iot:eu-west-1:123456789012:policy/lamp", DefaultVersionID: 1, LastVersionID: 1,
		GenerationID: p.GenerationID, CreatedAt: policyT0, UpdatedAt: policyT0}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("CreatePolicy (-want +got):\n%s", diff)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(p.GenerationID) {
		t.Errorf("generation id %q is not 64 hex digits", p.GenerationID)
	}
	got, v, err := r.GetPolicy(ctx, policyTestAccount, "lamp")
	mustPolicy(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GetPolicy (-want +got):\n%s", diff)
	}
	if v.Document != devicePolicy || v.VersionID != 1 || !v.IsDefault {
		t.Errorf("GetPolicy default version = %+v", v)
	}

	_, err = r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "lamp", Document: devicePolicy})
	wantPolicyKind(t, err, iot.AlreadyExists)
	var e *iot.Error
	if !errors.As(err, &e) || e.ResourceID != "lamp" || e.ResourceARN != want.ARN {
		t.Errorf("AlreadyExists error = %+v, want the policy's name and ARN", e)
	}
	_, err = r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "bad", Document: `{"Version":"2012-10-17"}`})
	wantPolicyKind(t, err, iot.MalformedPolicy)
	_, _, err = r.GetPolicy(ctx, policyTestAccount, "bad")
	wantPolicyKind(t, err, iot.NotFound)
	_, _, err = r.GetPolicy(ctx, policyTestOther, "lamp")
	wantPolicyKind(t, err, iot.NotFound)
	// Another account may use the same name.
	_, err = r.CreatePolicy(ctx, policyTestOther, CreatePolicyRequest{Name: "lamp", Document: broadPolicy})
	mustPolicy(t, err)
}

func TestPolicyVersionsStoreTheirAnalysis(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	_, err := r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "p", Document: devicePolicy})
	mustPolicy(t, err)
	_, err = r.CreatePolicyVersion(ctx, policyTestAccount, "p", broadPolicy, true)
	mustPolicy(t, err)
	_, err = r.CreatePolicyVersion(ctx, policyTestAccount, "p", wildcardDenyPolicy, false)
	mustPolicy(t, err)

	wantAnalysis := func(document string) iot.PolicyAnalysis {
		doc, err := policydoc.Parse(document)
		mustPolicy(t, err)
		a := policydoc.Analyze(doc)
		var out iot.PolicyAnalysis
		out.BroadActions = a.BroadActions
		for _, m := range a.Misconfigurations {
			out.Misconfigurations = append(out.Misconfigurations, iot.PolicyMisconfiguration{ReasonCode: m.ReasonCode, Message: m.Message()})
		}
		return out
	}
	if a := wantAnalysis(broadPolicy); len(a.BroadActions) == 0 {
		t.Fatal("the broad test policy is not overly permissive")
	}
	if a := wantAnalysis(wildcardDenyPolicy); len(a.Misconfigurations) == 0 {
		t.Fatal("the wildcard-deny test policy is not misconfigured")
	}
	err = r.view(ctx, policyTestAccount, func(tx store.ReadTx) error {
		for i, document := range []string{devicePolicy, broadPolicy, wildcardDenyPolicy} {
			v, err := tx.PolicyVersion(ctx, "p", i+1)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(wantAnalysis(document), v.Analysis); diff != "" {
				t.Errorf("stored analysis of version %d (-want +got):\n%s", i+1, diff)
			}
		}
		// The audit reads the default version: version 2.
		var defaults []int
		for v, err := range tx.DefaultPolicyVersions(ctx) {
			if err != nil {
				return err
			}
			defaults = append(defaults, v.VersionID)
		}
		if diff := cmp.Diff([]int{2}, defaults); diff != "" {
			t.Errorf("DefaultPolicyVersions (-want +got):\n%s", diff)
		}
		return nil
	})
	mustPolicy(t, err)
}

func TestPolicyVersionRules(t *testing.T) {
	r, clk := newPolicyTestRegistry(t)
	ctx := context.Background()
	created, err := r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "p", Document: devicePolicy})
	mustPolicy(t, err)
	for i := 2; i <= iot.MaxPolicyVersions; i++ {
		clk.Advance(time.Minute)
		v, err := r.CreatePolicyVersion(ctx, policyTestAccount, "p", devicePolicy, false)
		mustPolicy(t, err)
		if v.VersionID != i || v.IsDefault {
			t.Fatalf("version %d = %+v", i, v)
		}
	}
	_, err = r.CreatePolicyVersion(ctx, policyTestAccount, "p", devicePolicy, false)
	wantPolicyKind(t, err, iot.VersionsLimitExceeded)
	_, err = r.CreatePolicyVersion(ctx, policyTestAccount, "p", `not json`, false)
	wantPolicyKind(t, err, iot.MalformedPolicy)
	_, err = r.CreatePolicyVersion(ctx, policyTestAccount, "absent", devicePolicy, false)
	wantPolicyKind(t, err, iot.NotFound)

	// A non-default version did not change the policy's generation.
	p, _, err := r.GetPolicy(ctx, policyTestAccount, "p")
	mustPolicy(t, err)
	if p.GenerationID != created.GenerationID || p.DefaultVersionID != 1 || !p.UpdatedAt.Equal(policyT0) {
		t.Errorf("after non-default versions, policy = %+v", p)
	}

	clk.Advance(time.Minute)
	mustPolicy(t, r.SetDefaultPolicyVersion(ctx, policyTestAccount, "p", "5"))
	p, v, err := r.GetPolicy(ctx, policyTestAccount, "p")
	mustPolicy(t, err)
	if p.DefaultVersionID != 5 || v.VersionID != 5 || p.GenerationID == created.GenerationID || !p.UpdatedAt.Equal(clk.Now()) {
		t.Errorf("after SetDefaultPolicyVersion 5, policy = %+v, default version %d", p, v.VersionID)
	}
	wantPolicyKind(t, r.SetDefaultPolicyVersion(ctx, policyTestAccount, "p", "9"), iot.NotFound)
	wantPolicyKind(t, r.SetDefaultPolicyVersion(ctx, policyTestAccount, "p", "99999999999999999999999"), iot.NotFound)

	wantPolicyKind(t, r.DeletePolicyVersion(ctx, policyTestAccount, "p", "5"), iot.DeleteConflict)
	mustPolicy(t, r.DeletePolicyVersion(ctx, policyTestAccount, "p", "4"))
	wantPolicyKind(t, r.DeletePolicyVersion(ctx, policyTestAccount, "p", "4"), iot.NotFound)
	_, _, err = r.GetPolicyVersion(ctx, policyTestAccount, "p", "4")
	wantPolicyKind(t, err, iot.NotFound)

	// Ids are never reused: the next version is 6, even with 4 deleted.
	v6, err := r.CreatePolicyVersion(ctx, policyTestAccount, "p", broadPolicy, true)
	mustPolicy(t, err)
	if v6.VersionID != 6 || !v6.IsDefault {
		t.Errorf("version after deleting 4 = %+v, want 6, the default", v6)
	}
	mustPolicy(t, r.DeletePolicyVersion(ctx, policyTestAccount, "p", "5"))
	mustPolicy(t, r.DeletePolicyVersion(ctx, policyTestAccount, "p", "3"))
	v7, err := r.CreatePolicyVersion(ctx, policyTestAccount, "p", devicePolicy, false)
	mustPolicy(t, err)
	if v7.VersionID != 7 {
		t.Errorf("version after deleting the newest = %d, want 7", v7.VersionID)
	}

	versions, err := r.ListPolicyVersions(ctx, policyTestAccount, "p")
	mustPolicy(t, err)
	var got []string
	for _, v := range versions {
		got = append(got, versionLabel(v))
	}
	if diff := cmp.Diff([]string{"7", "6*", "2", "1"}, got); diff != "" {
		t.Errorf("ListPolicyVersions, * the default (-want +got):\n%s", diff)
	}
	_, err = r.ListPolicyVersions(ctx, policyTestOther, "p")
	wantPolicyKind(t, err, iot.NotFound)

	gp, gv, err := r.GetPolicyVersion(ctx, policyTestAccount, "p", "6")
	mustPolicy(t, err)
	if gv.Document != broadPolicy || !gv.IsDefault || gp.ARN != "arn:aws:iot:eu-west-1:123456789012:policy/p" {
		t.Errorf("GetPolicyVersion 6 = %+v, %+v", gp, gv)
	}
}

// versionLabel shows a version id, starred when it is the default.
func versionLabel(v iot.PolicyVersion) string {
	s := strconv.Itoa(v.VersionID)
	if v.IsDefault {
		s += "*"
	}
	return s
}

func TestDeletePolicy(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	p, err := r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "p", Document: devicePolicy, Tags: []iot.Tag{{Key: "env", Value: "dev"}}})
	mustPolicy(t, err)
	_, err = r.CreatePolicyVersion(ctx, policyTestAccount, "p", devicePolicy, false)
	mustPolicy(t, err)
	wantPolicyKind(t, r.DeletePolicy(ctx, policyTestAccount, "p"), iot.DeleteConflict)
	mustPolicy(t, r.DeletePolicyVersion(ctx, policyTestAccount, "p", "2"))

	mustPolicy(t, r.AttachPolicy(ctx, policyTestAccount, "p", policyCognitoID(1)))
	wantPolicyKind(t, r.DeletePolicy(ctx, policyTestAccount, "p"), iot.DeleteConflict)
	mustPolicy(t, r.DetachPolicy(ctx, policyTestAccount, "p", policyCognitoID(1)))

	wantPolicyKind(t, r.DeletePolicy(ctx, policyTestOther, "p"), iot.NotFound)
	mustPolicy(t, r.DeletePolicy(ctx, policyTestAccount, "p"))
	wantPolicyKind(t, r.DeletePolicy(ctx, policyTestAccount, "p"), iot.NotFound)

	// A policy created again under the name starts afresh, without the old tags.
	again, err := r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "p", Document: devicePolicy})
	mustPolicy(t, err)
	if again.LastVersionID != 1 {
		t.Errorf("re-created policy = %+v, want version 1", again)
	}
	tags, _, err := r.ListTagsForResource(ctx, policyTestAccount, p.ARN, "")
	mustPolicy(t, err)
	if len(tags) != 0 {
		t.Errorf("tags of a re-created policy = %v, want none", tags)
	}
}

func TestListPolicies(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	for _, name := range []string{"c", "a", "e", "b", "d"} {
		_, err := r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: name, Document: devicePolicy})
		mustPolicy(t, err)
	}
	_, err := r.CreatePolicy(ctx, policyTestOther, CreatePolicyRequest{Name: "other", Document: devicePolicy})
	mustPolicy(t, err)
	for _, tc := range []struct {
		name      string
		ascending bool
		want      []string
	}{
		{"descending by default", false, []string{"e", "d", "c", "b", "a"}},
		{"ascending", true, []string{"a", "b", "c", "d", "e"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Each marker must match the model's pattern.
			markers := regexp.MustCompile(`^[A-Za-z0-9+/]+={0,2}$`)
			policies := allMarkerPages(t, MarkerRequest{PageSize: 2, Ascending: tc.ascending}, func(req MarkerRequest) ([]iot.Policy, string, error) {
				page, next, err := r.ListPolicies(ctx, policyTestAccount, req)
				if next != "" && !markers.MatchString(next) {
					t.Fatalf("marker %q does not match the model's pattern", next)
				}
				return page, next, err
			})
			var got []string
			for _, p := range policies {
				got = append(got, p.Name)
				if p.ARN != r.policyARN(policyTestAccount, p.Name) {
					t.Errorf("ARN of %s = %s", p.Name, p.ARN)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ListPolicies (-want +got):\n%s", diff)
			}
		})
	}
	_, next, err := r.ListPolicies(ctx, policyTestAccount, MarkerRequest{PageSize: 2})
	mustPolicy(t, err)
	for _, tc := range []struct {
		name    string
		account string
		req     MarkerRequest
	}{
		{"forged", policyTestAccount, MarkerRequest{Marker: "Zm9yZ2VkIG1hcmtlcg=="}},
		{"not base64", policyTestAccount, MarkerRequest{Marker: "!!"}},
		{"other order", policyTestAccount, MarkerRequest{Marker: next, Ascending: true}},
		{"other account", policyTestOther, MarkerRequest{Marker: next}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := r.ListPolicies(ctx, tc.account, tc.req)
			wantPolicyKind(t, err, iot.InvalidRequest)
		})
	}
}
