package registry

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

const aliasRole = "arn:aws:iam::123456789012:role/device-credentials"

func TestRoleAliasLifecycle(t *testing.T) {
	r, clk := newPolicyTestRegistry(t)
	ctx := context.Background()
	a, err := r.CreateRoleAlias(ctx, policyTestAccount, CreateRoleAliasRequest{Alias: "cams", RoleARN: aliasRole,
		Tags: []iot.Tag{{Key: "team", Value: "video"}}})
	mustPolicy(t, err)
	want := iot.RoleAlias{Alias: "cams", ARN: "arn:aws:iot:eu-west-1:123456789012:rolealias/cams", RoleARN: aliasRole,
		CredentialDurationSeconds: 3600, Owner: policyTestAccount, CreatedAt: policyT0, UpdatedAt: policyT0}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("CreateRoleAlias (-want +got):\n%s", diff)
	}
	got, err := r.DescribeRoleAlias(ctx, policyTestAccount, "cams")
	mustPolicy(t, err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeRoleAlias (-want +got):\n%s", diff)
	}
	tags, _, err := r.ListTagsForResource(ctx, policyTestAccount, want.ARN, "")
	mustPolicy(t, err)
	if diff := cmp.Diff([]iot.Tag{{Key: "team", Value: "video"}}, tags); diff != "" {
		t.Errorf("tags given at creation (-want +got):\n%s", diff)
	}

	_, err = r.CreateRoleAlias(ctx, policyTestAccount, CreateRoleAliasRequest{Alias: "cams", RoleARN: aliasRole})
	wantPolicyKind(t, err, iot.AlreadyExists)
	_, err = r.CreateRoleAlias(ctx, policyTestAccount, CreateRoleAliasRequest{Alias: "x", RoleARN: "arn:aws:iam::123456789012:user/bob"})
	wantPolicyKind(t, err, iot.InvalidRequest)
	_, err = r.CreateRoleAlias(ctx, policyTestAccount, CreateRoleAliasRequest{Alias: "x", RoleARN: aliasRole, Tags: []iot.Tag{{Key: "aws:x"}}})
	wantPolicyKind(t, err, iot.InvalidRequest)

	clk.Advance(time.Hour)
	updated, err := r.UpdateRoleAlias(ctx, policyTestAccount, UpdateRoleAliasRequest{Alias: "cams", CredentialDurationSeconds: 900})
	mustPolicy(t, err)
	want.CredentialDurationSeconds, want.UpdatedAt = 900, policyT0.Add(time.Hour)
	if diff := cmp.Diff(want, updated); diff != "" {
		t.Errorf("UpdateRoleAlias of the duration (-want +got):\n%s", diff)
	}
	other := "arn:aws:iam::123456789012:role/other"
	updated, err = r.UpdateRoleAlias(ctx, policyTestAccount, UpdateRoleAliasRequest{Alias: "cams", RoleARN: other})
	mustPolicy(t, err)
	if updated.RoleARN != other || updated.CredentialDurationSeconds != 900 {
		t.Errorf("UpdateRoleAlias of the role = %+v", updated)
	}
	_, err = r.UpdateRoleAlias(ctx, policyTestAccount, UpdateRoleAliasRequest{Alias: "cams", RoleARN: "nope"})
	wantPolicyKind(t, err, iot.InvalidRequest)
	_, err = r.UpdateRoleAlias(ctx, policyTestOther, UpdateRoleAliasRequest{Alias: "cams", CredentialDurationSeconds: 900})
	wantPolicyKind(t, err, iot.NotFound)
	_, err = r.DescribeRoleAlias(ctx, policyTestOther, "cams")
	wantPolicyKind(t, err, iot.NotFound)
	wantPolicyKind(t, r.DeleteRoleAlias(ctx, policyTestOther, "cams"), iot.NotFound)

	mustPolicy(t, r.DeleteRoleAlias(ctx, policyTestAccount, "cams"))
	wantPolicyKind(t, r.DeleteRoleAlias(ctx, policyTestAccount, "cams"), iot.NotFound)
	_, err = r.DescribeRoleAlias(ctx, policyTestAccount, "cams")
	wantPolicyKind(t, err, iot.NotFound)
	// The alias's tags went with it.
	mustPolicy(t, r.store.View(ctx, policyTestAccount, func(tx store.ReadTx) error {
		tags, err := tx.Tags(ctx, want.ARN)
		if len(tags) != 0 {
			t.Errorf("tags of a deleted role alias = %v", tags)
		}
		return err
	}))
}

func TestListRoleAliases(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	for _, alias := range []string{"b", "e", "a", "d", "c"} {
		_, err := r.CreateRoleAlias(ctx, policyTestAccount, CreateRoleAliasRequest{Alias: alias, RoleARN: aliasRole, CredentialDurationSeconds: 1800})
		mustPolicy(t, err)
	}
	for _, tc := range []struct {
		name      string
		ascending bool
		want      []string
	}{
		{"descending by default", false, []string{"e", "d", "c", "b", "a"}},
		{"ascending", true, []string{"a", "b", "c", "d", "e"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := allMarkerPages(t, MarkerRequest{PageSize: 2, Ascending: tc.ascending}, func(req MarkerRequest) ([]string, string, error) {
				return r.ListRoleAliases(ctx, policyTestAccount, req)
			})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ListRoleAliases (-want +got):\n%s", diff)
			}
		})
	}
	others, _, err := r.ListRoleAliases(ctx, policyTestOther, MarkerRequest{})
	mustPolicy(t, err)
	if len(others) != 0 {
		t.Errorf("another account's role aliases = %v", others)
	}
}

func TestRoleAliasLimit(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	mustPolicy(t, r.store.Update(ctx, policyTestAccount, func(tx store.Tx) error {
		for i := range maxRoleAliases {
			a := iot.RoleAlias{Alias: "alias-" + strconv.Itoa(i), RoleARN: aliasRole, CredentialDurationSeconds: 3600, Owner: policyTestAccount}
			if err := tx.PutRoleAlias(ctx, a); err != nil {
				return err
			}
		}
		return nil
	}))
	_, err := r.CreateRoleAlias(ctx, policyTestAccount, CreateRoleAliasRequest{Alias: "one-more", RoleARN: aliasRole})
	wantPolicyKind(t, err, iot.LimitExceeded)
	// The limit is per account.
	_, err = r.CreateRoleAlias(ctx, policyTestOther, CreateRoleAliasRequest{Alias: "one-more", RoleARN: aliasRole})
	mustPolicy(t, err)
}
