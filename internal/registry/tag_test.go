package registry

import (
	"context"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func TestTagResourceRules(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	p, err := r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "p", Document: devicePolicy})
	mustPolicy(t, err)
	fifty := make([]iot.Tag, iot.MaxTagsPerResource)
	for i := range fifty {
		fifty[i] = iot.Tag{Key: "k" + strconv.Itoa(i)}
	}
	for _, tc := range []struct {
		name string
		arn  string
		tags []iot.Tag
		want iot.Kind
	}{
		{"not an ARN", "policy/p", []iot.Tag{{Key: "a"}}, iot.InvalidRequest},
		{"not taggable: a thing", r.arn(policyTestAccount, "thing/lamp"), []iot.Tag{{Key: "a"}}, iot.InvalidRequest},
		{"not taggable: a certificate", r.arn(policyTestAccount, "cert/abc"), []iot.Tag{{Key: "a"}}, iot.InvalidRequest},
		{"a policy that does not exist", r.arn(policyTestAccount, "policy/absent"), []iot.Tag{{Key: "a"}}, iot.NotFound},
		{"another account's policy", "arn:aws:iot:eu-west-1:210987654321:policy/p", []iot.Tag{{Key: "a"}}, iot.NotFound},
		{"another region's policy", "arn:aws:iot:us-east-1:123456789012:policy/p", []iot.Tag{{Key: "a"}}, iot.NotFound},
		{"a taggable type this registry does not hold", r.arn(policyTestAccount, "rule/r"), []iot.Tag{{Key: "a"}}, iot.NotFound},
		{"a reserved key", p.ARN, []iot.Tag{{Key: "AWS:owner"}}, iot.InvalidRequest},
		{"a key twice", p.ARN, []iot.Tag{{Key: "a", Value: "1"}, {Key: "a", Value: "2"}}, iot.InvalidRequest},
		{"51 tags", p.ARN, append(fifty, iot.Tag{Key: "one-more"}), iot.LimitExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantPolicyKind(t, r.TagResource(ctx, policyTestAccount, tc.arn, tc.tags), tc.want)
		})
	}

	mustPolicy(t, r.TagResource(ctx, policyTestAccount, p.ARN, fifty[:49]))
	// Replacing the value of a key it has does not count against the limit.
	mustPolicy(t, r.TagResource(ctx, policyTestAccount, p.ARN, []iot.Tag{{Key: "k0", Value: "changed"}, {Key: "k49"}}))
	wantPolicyKind(t, r.TagResource(ctx, policyTestAccount, p.ARN, []iot.Tag{{Key: "k50"}}), iot.LimitExceeded)

	tags, next, err := r.ListTagsForResource(ctx, policyTestAccount, p.ARN, "")
	mustPolicy(t, err)
	if len(tags) != iot.MaxTagsPerResource || next != "" {
		t.Fatalf("ListTagsForResource = %d tags, next %q; want all 50 in one page", len(tags), next)
	}
	if tags[0] != (iot.Tag{Key: "k0", Value: "changed"}) {
		t.Errorf("first tag = %+v, want k0 changed", tags[0])
	}

	wantPolicyKind(t, r.UntagResource(ctx, policyTestAccount, p.ARN, []string{"aws:x"}), iot.InvalidRequest)
	wantPolicyKind(t, r.UntagResource(ctx, policyTestOther, p.ARN, []string{"k0"}), iot.NotFound)
	mustPolicy(t, r.UntagResource(ctx, policyTestAccount, p.ARN, []string{"k0", "absent"}))
	tags, _, err = r.ListTagsForResource(ctx, policyTestAccount, p.ARN, "")
	mustPolicy(t, err)
	if len(tags) != iot.MaxTagsPerResource-1 || tags[0].Key != "k1" {
		t.Errorf("after untagging k0: %d tags, first %+v", len(tags), tags[0])
	}
	_, _, err = r.ListTagsForResource(ctx, policyTestOther, p.ARN, "")
	wantPolicyKind(t, err, iot.NotFound)
	_, _, err = r.ListTagsForResource(ctx, policyTestAccount, p.ARN, "forged")
	wantPolicyKind(t, err, iot.InvalidRequest)
}

func TestTagsOfEachResourceType(t *testing.T) {
	r, _ := newPolicyTestRegistry(t)
	ctx := context.Background()
	withThingGroups(t, map[string]string{"lamps": ""})
	_, err := r.CreatePolicy(ctx, policyTestAccount, CreatePolicyRequest{Name: "p", Document: devicePolicy})
	mustPolicy(t, err)
	_, err = r.CreateRoleAlias(ctx, policyTestAccount, CreateRoleAliasRequest{Alias: "ra", RoleARN: aliasRole})
	mustPolicy(t, err)
	for _, arn := range []string{
		r.arn(policyTestAccount, "policy/p"),
		r.arn(policyTestAccount, "rolealias/ra"),
		r.arn(policyTestAccount, "thinggroup/lamps"),
	} {
		t.Run(arn, func(t *testing.T) {
			mustPolicy(t, r.TagResource(ctx, policyTestAccount, arn, []iot.Tag{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}}))
			tags, _, err := r.ListTagsForResource(ctx, policyTestAccount, arn, "")
			mustPolicy(t, err)
			if diff := cmp.Diff([]iot.Tag{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}, tags); diff != "" {
				t.Errorf("ListTagsForResource (-want +got):\n%s", diff)
			}
		})
	}
}
