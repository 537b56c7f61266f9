package apitest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
)

const roleAliasRoleARN = "arn:aws:iam::123456789012:role/device-credentials"

func TestRoleAliasLifecycle(t *testing.T) {
	e := newEnv(t)
	created, err := e.Client.CreateRoleAlias(ctx(t), &awsiot.CreateRoleAliasInput{RoleAlias: aws.String("cams"), RoleArn: aws.String(roleAliasRoleARN)})
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:iot:us-east-1:123456789012:rolealias/cams"
	if aws.ToString(created.RoleAlias) != "cams" || aws.ToString(created.RoleAliasArn) != arn {
		t.Errorf("CreateRoleAlias = %s, %s", aws.ToString(created.RoleAlias), aws.ToString(created.RoleAliasArn))
	}
	described, err := e.Client.DescribeRoleAlias(ctx(t), &awsiot.DescribeRoleAliasInput{RoleAlias: aws.String("cams")})
	if err != nil {
		t.Fatal(err)
	}
	d := described.RoleAliasDescription
	if aws.ToString(d.RoleAliasArn) != arn || aws.ToString(d.RoleArn) != roleAliasRoleARN || aws.ToString(d.Owner) != firstAccount ||
		aws.ToInt32(d.CredentialDurationSeconds) != 3600 || d.CreationDate == nil || d.LastModifiedDate == nil {
		t.Errorf("DescribeRoleAlias = %+v", d)
	}

	_, err = e.Client.CreateRoleAlias(ctx(t), &awsiot.CreateRoleAliasInput{RoleAlias: aws.String("cams"), RoleArn: aws.String(roleAliasRoleARN)})
	wantErr[*types.ResourceAlreadyExistsException](t, err)
	_, err = e.Client.CreateRoleAlias(ctx(t), &awsiot.CreateRoleAliasInput{RoleAlias: aws.String("x"), RoleArn: aws.String("arn:aws:iam::123456789012:user/bob")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = e.Client.CreateRoleAlias(ctx(t), &awsiot.CreateRoleAliasInput{RoleAlias: aws.String("x"), RoleArn: aws.String(roleAliasRoleARN), CredentialDurationSeconds: aws.Int32(60)})
	wantErr[*types.InvalidRequestException](t, err)

	updated, err := e.Client.UpdateRoleAlias(ctx(t), &awsiot.UpdateRoleAliasInput{RoleAlias: aws.String("cams"), CredentialDurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(updated.RoleAliasArn) != arn {
		t.Errorf("UpdateRoleAlias ARN = %s", aws.ToString(updated.RoleAliasArn))
	}
	described, err = e.Client.DescribeRoleAlias(ctx(t), &awsiot.DescribeRoleAliasInput{RoleAlias: aws.String("cams")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToInt32(described.RoleAliasDescription.CredentialDurationSeconds) != 7200 || aws.ToString(described.RoleAliasDescription.RoleArn) != roleAliasRoleARN {
		t.Errorf("after update = %+v", described.RoleAliasDescription)
	}

	other := e.otherAccount("210987654321")
	_, err = other.DescribeRoleAlias(ctx(t), &awsiot.DescribeRoleAliasInput{RoleAlias: aws.String("cams")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.UpdateRoleAlias(ctx(t), &awsiot.UpdateRoleAliasInput{RoleAlias: aws.String("cams"), RoleArn: aws.String(roleAliasRoleARN)})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.DeleteRoleAlias(ctx(t), &awsiot.DeleteRoleAliasInput{RoleAlias: aws.String("cams")})
	wantErr[*types.ResourceNotFoundException](t, err)

	if _, err := e.Client.DeleteRoleAlias(ctx(t), &awsiot.DeleteRoleAliasInput{RoleAlias: aws.String("cams")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.DescribeRoleAlias(ctx(t), &awsiot.DescribeRoleAliasInput{RoleAlias: aws.String("cams")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.DeleteRoleAlias(ctx(t), &awsiot.DeleteRoleAliasInput{RoleAlias: aws.String("cams")})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestListRoleAliases(t *testing.T) {
	e := newEnv(t)
	for _, alias := range []string{"b", "d", "a", "c"} {
		if _, err := e.Client.CreateRoleAlias(ctx(t), &awsiot.CreateRoleAliasInput{RoleAlias: aws.String(alias), RoleArn: aws.String(roleAliasRoleARN)}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name      string
		ascending bool
		want      []string
	}{
		{"descending by default", false, []string{"d", "c", "b", "a"}},
		{"ascending", true, []string{"a", "b", "c", "d"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pages := awsiot.NewListRoleAliasesPaginator(e.Client, &awsiot.ListRoleAliasesInput{PageSize: aws.Int32(3), AscendingOrder: tc.ascending})
			got := allPages(t, pages, func(out *awsiot.ListRoleAliasesOutput) []string { return out.RoleAliases })
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ListRoleAliases (-want +got):\n%s", diff)
			}
		})
	}
	_, err := e.Client.ListRoleAliases(ctx(t), &awsiot.ListRoleAliasesInput{Marker: aws.String("bm90LWEtbWFya2VyLW9mLW91cnMtYXQtYWxsLTAwMDAwMDAwMDAwMDAw")})
	wantErr[*types.InvalidRequestException](t, err)
	theirs, err := e.otherAccount("210987654321").ListRoleAliases(ctx(t), &awsiot.ListRoleAliasesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(theirs.RoleAliases) != 0 {
		t.Errorf("another account lists %v", theirs.RoleAliases)
	}
}
