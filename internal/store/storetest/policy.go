package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func init() {
	families = append(families, family{name: "Policies", run: testPolicies})
}

func testPolicies(t *testing.T, open Opener) {
	t.Run("Versions", func(t *testing.T) { testPolicyVersions(t, open) })
	t.Run("Listing", func(t *testing.T) { testPolicyListing(t, open) })
	t.Run("Targets", func(t *testing.T) { testPolicyTargets(t, open) })
}

// putPolicy stores a policy with versions 1..n, version 1 the default.
func putPolicy(ctx context.Context, tx store.Tx, name string, n int) error {
	p := iot.Policy{Name: name, DefaultVersionID: 1, LastVersionID: n, GenerationID: "gen-" + name, CreatedAt: T0, UpdatedAt: T0}
	if err := tx.PutPolicy(ctx, p); err != nil {
		return err
	}
	for i := 1; i <= n; i++ {
		v := iot.PolicyVersion{PolicyName: name, VersionID: i, Document: `{"v":` + string(rune('0'+i)) + `}`, CreatedAt: T0.Add(time.Duration(i) * time.Second)}
		if err := tx.PutPolicyVersion(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

func testPolicyVersions(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	analysis := iot.PolicyAnalysis{
		BroadActions:      []string{"iot:Connect", "iot:Publish"},
		Misconfigurations: []iot.PolicyMisconfiguration{{ReasonCode: "POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT", Message: "Policy denies [x]."}},
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := putPolicy(ctx, tx, "lamp", 2); err != nil {
			return err
		}
		v3 := iot.PolicyVersion{PolicyName: "lamp", VersionID: 3, Document: `{"v":3}`, CreatedAt: T0.Add(time.Hour), Analysis: analysis}
		if err := tx.PutPolicyVersion(ctx, v3); err != nil {
			return err
		}
		return tx.PutPolicy(ctx, iot.Policy{Name: "lamp", DefaultVersionID: 3, LastVersionID: 3, GenerationID: "g2", CreatedAt: T0, UpdatedAt: T0.Add(time.Hour)})
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		p, err := tx.Policy(ctx, "lamp")
		if err != nil {
			return err
		}
		want := iot.Policy{Name: "lamp", DefaultVersionID: 3, LastVersionID: 3, GenerationID: "g2", CreatedAt: T0, UpdatedAt: T0.Add(time.Hour)}
		if diff := cmp.Diff(want, p); diff != "" {
			t.Errorf("Policy (-want +got):\n%s", diff)
		}
		v3, err := tx.PolicyVersion(ctx, "lamp", 3)
		if err != nil {
			return err
		}
		wantV3 := iot.PolicyVersion{PolicyName: "lamp", VersionID: 3, Document: `{"v":3}`, IsDefault: true, CreatedAt: T0.Add(time.Hour), Analysis: analysis}
		if diff := cmp.Diff(wantV3, v3); diff != "" {
			t.Errorf("PolicyVersion (-want +got):\n%s", diff)
		}
		versions, err := tx.PolicyVersions(ctx, "lamp")
		if err != nil {
			return err
		}
		var ids []int
		var defaults []bool
		for _, v := range versions {
			ids, defaults = append(ids, v.VersionID), append(defaults, v.IsDefault)
		}
		if diff := cmp.Diff([]int{3, 2, 1}, ids); diff != "" {
			t.Errorf("PolicyVersions ids, newest first (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]bool{true, false, false}, defaults); diff != "" {
			t.Errorf("PolicyVersions IsDefault (-want +got):\n%s", diff)
		}
		v1, err := tx.PolicyVersion(ctx, "lamp", 1)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(iot.PolicyAnalysis{}, v1.Analysis); diff != "" {
			t.Errorf("PolicyVersion with an empty analysis (-want +got):\n%s", diff)
		}
		if _, err := tx.PolicyVersion(ctx, "lamp", 9); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("PolicyVersion of an unknown version: %v, want ErrNotFound", err)
		}
		if _, err := tx.Policy(ctx, "fan"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Policy of an unknown name: %v, want ErrNotFound", err)
		}
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeletePolicyVersion(ctx, "lamp", 1); err != nil {
			return err
		}
		if err := tx.DeletePolicyVersion(ctx, "lamp", 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DeletePolicyVersion: %v, want ErrNotFound", err)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		if _, err := tx.Policy(ctx, "lamp"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account's Policy: %v, want ErrNotFound", err)
		}
		if _, err := tx.PolicyVersion(ctx, "lamp", 3); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another account's PolicyVersion: %v, want ErrNotFound", err)
		}
		if v, err := tx.PolicyVersions(ctx, "lamp"); err != nil || len(v) != 0 {
			t.Errorf("another account's PolicyVersions = %v, %v; want none", v, err)
		}
		return nil
	})
	Update(t, s, Other.ID, func(tx store.Tx) error {
		if err := tx.DeletePolicy(ctx, "lamp"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("DeletePolicy of another account's policy: %v, want ErrNotFound", err)
		}
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		return tx.DeletePolicy(ctx, "lamp")
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		if v, err := tx.PolicyVersions(ctx, "lamp"); err != nil || len(v) != 0 {
			t.Errorf("PolicyVersions of a deleted policy = %v, %v; want none", v, err)
		}
		return nil
	})
}

func testPolicyListing(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, name := range []string{"c", "a", "e", "b", "d"} {
			if err := putPolicy(ctx, tx, name, 2); err != nil {
				return err
			}
		}
		// c's default is its version 2.
		return tx.PutPolicy(ctx, iot.Policy{Name: "c", DefaultVersionID: 2, LastVersionID: 2, CreatedAt: T0, UpdatedAt: T0})
	})
	Update(t, s, Other.ID, func(tx store.Tx) error { return putPolicy(ctx, tx, "other", 1) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		for _, tc := range []struct {
			descending bool
			want       []string
		}{
			{false, []string{"a", "b", "c", "d", "e"}},
			{true, []string{"e", "d", "c", "b", "a"}},
		} {
			policies, err := allStorePages(2, func(p store.Page) ([]iot.Policy, bool, error) {
				return tx.Policies(ctx, tc.descending, p)
			}, func(p iot.Policy) string { return p.Name })
			if err != nil {
				return err
			}
			var got []string
			for _, policy := range policies {
				got = append(got, policy.Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Policies descending=%v (-want +got):\n%s", tc.descending, diff)
			}
		}
		var defaults []string
		for v, err := range tx.DefaultPolicyVersions(ctx) {
			if err != nil {
				return err
			}
			defaults = append(defaults, v.PolicyName+"/"+string(rune('0'+v.VersionID)))
			if !v.IsDefault {
				t.Errorf("DefaultPolicyVersions gave %s version %d with IsDefault false", v.PolicyName, v.VersionID)
			}
		}
		if diff := cmp.Diff([]string{"a/1", "b/1", "c/2", "d/1", "e/1"}, defaults); diff != "" {
			t.Errorf("DefaultPolicyVersions (-want +got):\n%s", diff)
		}
		return nil
	})
}

func testPolicyTargets(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	const (
		certA = "arn:aws:iot:us-east-1:123456789012:cert/aaaa"
		certB = "arn:aws:iot:us-east-1:123456789012:cert/bbbb"
		group = "arn:aws:iot:us-east-1:123456789012:thinggroup/lamps"
		user  = "us-east-1:11111111-2222-3333-4444-555555555555"
	)
	targets := []iot.PolicyTarget{
		{Target: certB, Kind: iot.TargetCertificate},
		{Target: group, Kind: iot.TargetThingGroup},
		{Target: user, Kind: iot.TargetCognitoIdentity},
		{Target: certA, Kind: iot.TargetCertificate},
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, name := range []string{"p1", "p2", "p3"} {
			if err := putPolicy(ctx, tx, name, 1); err != nil {
				return err
			}
		}
		for _, target := range targets {
			if err := tx.AttachPolicy(ctx, "p1", target); err != nil {
				return err
			}
		}
		// Attaching twice changes nothing.
		if err := tx.AttachPolicy(ctx, "p1", targets[0]); err != nil {
			return err
		}
		if err := tx.AttachPolicy(ctx, "p2", iot.PolicyTarget{Target: certA, Kind: iot.TargetCertificate}); err != nil {
			return err
		}
		return tx.AttachPolicy(ctx, "p3", iot.PolicyTarget{Target: group, Kind: iot.TargetThingGroup})
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		for _, tc := range []struct {
			name   string
			filter store.PolicyTargetFilter
			want   []string
		}{
			{"all", store.PolicyTargetFilter{}, []string{certA, certB, group, user}},
			{"descending", store.PolicyTargetFilter{Descending: true}, []string{user, group, certB, certA}},
			{"principals", store.PolicyTargetFilter{PrincipalsOnly: true}, []string{certA, certB, user}},
		} {
			targets, err := allStorePages(3, func(p store.Page) ([]iot.PolicyTarget, bool, error) {
				return tx.PolicyTargets(ctx, "p1", tc.filter, p)
			}, func(t iot.PolicyTarget) string { return t.Target })
			if err != nil {
				return err
			}
			var got []string
			for _, target := range targets {
				got = append(got, target.Target)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("PolicyTargets %s (-want +got):\n%s", tc.name, diff)
			}
		}
		first, _, err := tx.PolicyTargets(ctx, "p1", store.PolicyTargetFilter{}, store.Page{Limit: 1})
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]iot.PolicyTarget{{Target: certA, Kind: iot.TargetCertificate}}, first); diff != "" {
			t.Errorf("PolicyTargets kind (-want +got):\n%s", diff)
		}
		for _, tc := range []struct {
			name       string
			targets    []string
			descending bool
			want       []string
		}{
			{"one target", []string{certA}, false, []string{"p1", "p2"}},
			{"several targets, each policy once", []string{certA, group}, false, []string{"p1", "p2", "p3"}},
			{"descending", []string{certA, group}, true, []string{"p3", "p2", "p1"}},
			{"no attachments", []string{"arn:aws:iot:us-east-1:123456789012:cert/none"}, false, nil},
		} {
			got, err := allStorePages(2, func(p store.Page) ([]string, bool, error) {
				return tx.TargetPolicies(ctx, tc.targets, tc.descending, p)
			}, func(name string) string { return name })
			if err != nil {
				return err
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("TargetPolicies %s (-want +got):\n%s", tc.name, diff)
			}
		}
		if n, err := tx.CountTargetPolicies(ctx, certA); err != nil || n != 2 {
			t.Errorf("CountTargetPolicies = %d, %v; want 2", n, err)
		}
		if ok, err := tx.PolicyAttached(ctx, "p2", certA); err != nil || !ok {
			t.Errorf("PolicyAttached(p2, certA) = %v, %v; want true", ok, err)
		}
		if ok, err := tx.PolicyAttached(ctx, "p2", certB); err != nil || ok {
			t.Errorf("PolicyAttached(p2, certB) = %v, %v; want false", ok, err)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		if n, err := tx.CountTargetPolicies(ctx, certA); err != nil || n != 0 {
			t.Errorf("another account's CountTargetPolicies = %d, %v; want 0", n, err)
		}
		if got, _, err := tx.TargetPolicies(ctx, []string{certA}, false, store.Page{Limit: 10}); err != nil || len(got) != 0 {
			t.Errorf("another account's TargetPolicies = %v, %v; want none", got, err)
		}
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DetachPolicy(ctx, "p2", certA); err != nil {
			return err
		}
		if err := tx.DetachPolicy(ctx, "p2", certA); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second DetachPolicy: %v, want ErrNotFound", err)
		}
		if err := tx.DetachTarget(ctx, group); err != nil {
			return err
		}
		// Deleting a policy drops its attachments.
		return tx.DeletePolicy(ctx, "p1")
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		for _, target := range []string{certA, group} {
			if n, err := tx.CountTargetPolicies(ctx, target); err != nil || n != 0 {
				t.Errorf("CountTargetPolicies(%s) after detaching = %d, %v; want 0", target, n, err)
			}
		}
		return nil
	})
}
