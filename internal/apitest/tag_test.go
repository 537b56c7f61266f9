package apitest

import (
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// tagsOf lists every tag of a resource as key=value.
func tagsOf(t *testing.T, c *awsiot.Client, arn string) []string {
	t.Helper()
	pages := awsiot.NewListTagsForResourcePaginator(c, &awsiot.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	return allPages(t, pages, func(out *awsiot.ListTagsForResourceOutput) []string {
		var tags []string
		for _, tag := range out.Tags {
			tags = append(tags, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
		}
		return tags
	})
}

func TestTagPolicyAndRoleAlias(t *testing.T) {
	e := newEnv(t)
	policy, err := e.Client.CreatePolicy(ctx(t), &awsiot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(policyDoc),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}}})
	if err != nil {
		t.Fatal(err)
	}
	alias, err := e.Client.CreateRoleAlias(ctx(t), &awsiot.CreateRoleAliasInput{RoleAlias: aws.String("ra"), RoleArn: aws.String(roleAliasRoleARN),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("video")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		arn     string
		initial []string
	}{
		{aws.ToString(policy.PolicyArn), []string{"env=dev"}},
		{aws.ToString(alias.RoleAliasArn), []string{"team=video"}},
	} {
		t.Run(tc.arn, func(t *testing.T) {
			if diff := cmp.Diff(tc.initial, tagsOf(t, e.Client, tc.arn)); diff != "" {
				t.Errorf("tags given at creation (-want +got):\n%s", diff)
			}
			_, err := e.Client.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: aws.String(tc.arn),
				Tags: []types.Tag{{Key: aws.String("owner"), Value: aws.String("ana")}, {Key: aws.String("cost"), Value: aws.String("")}}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Client.UntagResource(ctx(t), &awsiot.UntagResourceInput{ResourceArn: aws.String(tc.arn), TagKeys: []string{"owner", "absent"}}); err != nil {
				t.Fatal(err)
			}
			want := append([]string{"cost="}, tc.initial...)
			if diff := cmp.Diff(want, tagsOf(t, e.Client, tc.arn), cmpopts.SortSlices(func(a, b string) bool { return a < b })); diff != "" {
				t.Errorf("tags (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTagErrors(t *testing.T) {
	e := newEnv(t)
	policy := e.policyCreate("p")
	arn := aws.ToString(policy.PolicyArn)
	fifty := make([]types.Tag, 50)
	for i := range fifty {
		fifty[i] = types.Tag{Key: aws.String("k" + strconv.Itoa(i)), Value: aws.String("v")}
	}
	if _, err := e.Client.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: aws.String(arn), Tags: fifty}); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, e.Client, arn); len(got) != 50 {
		t.Errorf("ListTagsForResource gave %d tags, want 50", len(got))
	}
	_, err := e.Client.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("one-more"), Value: aws.String("v")}}})
	wantErr[*types.LimitExceededException](t, err)
	_, err = e.Client.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = e.Client.UntagResource(ctx(t), &awsiot.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"aws:x"}})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = e.Client.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: aws.String("arn:aws:iot:us-east-1:123456789012:policy/absent"),
		Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("v")}}})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: aws.String("arn:aws:iot:us-east-1:123456789012:thing/lamp"),
		Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("v")}}})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = e.Client.ListTagsForResource(ctx(t), &awsiot.ListTagsForResourceInput{ResourceArn: aws.String(arn), NextToken: aws.String("forged")})
	wantErr[*types.InvalidRequestException](t, err)

	other := e.otherAccount("210987654321")
	_, err = other.ListTagsForResource(ctx(t), &awsiot.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.TagResource(ctx(t), &awsiot.TagResourceInput{ResourceArn: aws.String(arn), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("v")}}})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.UntagResource(ctx(t), &awsiot.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"k0"}})
	wantErr[*types.ResourceNotFoundException](t, err)
}
