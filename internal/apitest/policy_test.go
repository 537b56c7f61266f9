package apitest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
)

// Policy documents of the policy family's tests.
const (
	policyDoc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish",` +
		`"Resource":"arn:aws:iot:us-east-1:123456789012:topic/${iot:Connection.Thing.ThingName}/data"}]}`
	policyDocBroad = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`
)

// policyCreate creates a policy with policyDoc, failing the test on error.
func (e *env) policyCreate(name string) *awsiot.CreatePolicyOutput {
	e.t.Helper()
	out, err := e.Client.CreatePolicy(ctx(e.t), &awsiot.CreatePolicyInput{PolicyName: aws.String(name), PolicyDocument: aws.String(policyDoc)})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func TestPolicyCreateGetDelete(t *testing.T) {
	e := newEnv(t)
	created, err := e.Client.CreatePolicy(ctx(t), &awsiot.CreatePolicyInput{
		PolicyName: aws.String("lamp"), PolicyDocument: aws.String(policyDoc),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	const arn = "arn:aws:iot:us-east-1:123456789012:policy/lamp"
	if aws.ToString(created.PolicyArn) != arn || aws.ToString(created.PolicyVersionId) != "1" || aws.ToString(created.PolicyDocument) != policyDoc {
		t.Errorf("CreatePolicy = arn %s, version %s", aws.ToString(created.PolicyArn), aws.ToString(created.PolicyVersionId))
	}
	got, err := e.Client.GetPolicy(ctx(t), &awsiot.GetPolicyInput{PolicyName: aws.String("lamp")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(got.PolicyArn) != arn || aws.ToString(got.DefaultVersionId) != "1" || aws.ToString(got.PolicyDocument) != policyDoc ||
		len(aws.ToString(got.GenerationId)) != 64 || got.CreationDate == nil || got.LastModifiedDate == nil {
		t.Errorf("GetPolicy = %+v", got)
	}

	_, err = e.Client.CreatePolicy(ctx(t), &awsiot.CreatePolicyInput{PolicyName: aws.String("lamp"), PolicyDocument: aws.String(policyDoc)})
	exists := wantErr[*types.ResourceAlreadyExistsException](t, err)
	if aws.ToString(exists.ResourceId) != "lamp" || aws.ToString(exists.ResourceArn) != arn {
		t.Errorf("ResourceAlreadyExists names %s, %s", aws.ToString(exists.ResourceId), aws.ToString(exists.ResourceArn))
	}
	_, err = e.Client.CreatePolicy(ctx(t), &awsiot.CreatePolicyInput{PolicyName: aws.String("bad"), PolicyDocument: aws.String(`{"Version":"2012-10-17"}`)})
	wantErr[*types.MalformedPolicyException](t, err)
	_, err = e.Client.CreatePolicy(ctx(t), &awsiot.CreatePolicyInput{PolicyName: aws.String("tagged"), PolicyDocument: aws.String(policyDoc),
		Tags: []types.Tag{{Key: aws.String("aws:reserved"), Value: aws.String("x")}}})
	wantErr[*types.InvalidRequestException](t, err)

	_, err = e.Client.CreatePolicyVersion(ctx(t), &awsiot.CreatePolicyVersionInput{PolicyName: aws.String("lamp"), PolicyDocument: aws.String(policyDoc)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.DeletePolicy(ctx(t), &awsiot.DeletePolicyInput{PolicyName: aws.String("lamp")})
	wantErr[*types.DeleteConflictException](t, err)
	if _, err := e.Client.DeletePolicyVersion(ctx(t), &awsiot.DeletePolicyVersionInput{PolicyName: aws.String("lamp"), PolicyVersionId: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.DeletePolicy(ctx(t), &awsiot.DeletePolicyInput{PolicyName: aws.String("lamp")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.GetPolicy(ctx(t), &awsiot.GetPolicyInput{PolicyName: aws.String("lamp")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.DeletePolicy(ctx(t), &awsiot.DeletePolicyInput{PolicyName: aws.String("lamp")})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestPolicyVersions(t *testing.T) {
	e := newEnv(t)
	e.policyCreate("p")
	for i := 2; i <= 5; i++ {
		v, err := e.Client.CreatePolicyVersion(ctx(t), &awsiot.CreatePolicyVersionInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(policyDoc)})
		if err != nil {
			t.Fatal(err)
		}
		if v.IsDefaultVersion || aws.ToString(v.PolicyArn) != "arn:aws:iot:us-east-1:123456789012:policy/p" {
			t.Errorf("CreatePolicyVersion %d = %+v", i, v)
		}
	}
	_, err := e.Client.CreatePolicyVersion(ctx(t), &awsiot.CreatePolicyVersionInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(policyDoc)})
	wantErr[*types.VersionsLimitExceededException](t, err)
	_, err = e.Client.CreatePolicyVersion(ctx(t), &awsiot.CreatePolicyVersionInput{PolicyName: aws.String("absent"), PolicyDocument: aws.String(policyDoc)})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.CreatePolicyVersion(ctx(t), &awsiot.CreatePolicyVersionInput{PolicyName: aws.String("p"), PolicyDocument: aws.String("{")})
	wantErr[*types.MalformedPolicyException](t, err)

	if _, err := e.Client.DeletePolicyVersion(ctx(t), &awsiot.DeletePolicyVersionInput{PolicyName: aws.String("p"), PolicyVersionId: aws.String("5")}); err != nil {
		t.Fatal(err)
	}
	v, err := e.Client.CreatePolicyVersion(ctx(t), &awsiot.CreatePolicyVersionInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(policyDocBroad), SetAsDefault: true})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(v.PolicyVersionId) != "6" || !v.IsDefaultVersion {
		t.Errorf("version after deleting 5 = %s (default %v), want 6, the default: ids are never reused", aws.ToString(v.PolicyVersionId), v.IsDefaultVersion)
	}
	list, err := e.Client.ListPolicyVersions(ctx(t), &awsiot.ListPolicyVersionsInput{PolicyName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, pv := range list.PolicyVersions {
		id := aws.ToString(pv.VersionId)
		if pv.IsDefaultVersion {
			id += "*"
		}
		ids = append(ids, id)
		if pv.CreateDate == nil {
			t.Errorf("version %s has no createDate", id)
		}
	}
	if diff := cmp.Diff([]string{"6*", "4", "3", "2", "1"}, ids); diff != "" {
		t.Errorf("ListPolicyVersions, newest first, * the default (-want +got):\n%s", diff)
	}

	if _, err := e.Client.SetDefaultPolicyVersion(ctx(t), &awsiot.SetDefaultPolicyVersionInput{PolicyName: aws.String("p"), PolicyVersionId: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	got, err := e.Client.GetPolicyVersion(ctx(t), &awsiot.GetPolicyVersionInput{PolicyName: aws.String("p"), PolicyVersionId: aws.String("2")})
	if err != nil {
		t.Fatal(err)
	}
	if !got.IsDefaultVersion || aws.ToString(got.PolicyDocument) != policyDoc || aws.ToString(got.PolicyName) != "p" || got.CreationDate == nil {
		t.Errorf("GetPolicyVersion 2 = %+v", got)
	}
	_, err = e.Client.DeletePolicyVersion(ctx(t), &awsiot.DeletePolicyVersionInput{PolicyName: aws.String("p"), PolicyVersionId: aws.String("2")})
	wantErr[*types.DeleteConflictException](t, err)
	_, err = e.Client.GetPolicyVersion(ctx(t), &awsiot.GetPolicyVersionInput{PolicyName: aws.String("p"), PolicyVersionId: aws.String("5")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.SetDefaultPolicyVersion(ctx(t), &awsiot.SetDefaultPolicyVersionInput{PolicyName: aws.String("p"), PolicyVersionId: aws.String("9")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = e.Client.ListPolicyVersions(ctx(t), &awsiot.ListPolicyVersionsInput{PolicyName: aws.String("absent")})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestListPoliciesPaging(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"c", "a", "e", "b", "d"} {
		e.policyCreate(name)
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
			pages := awsiot.NewListPoliciesPaginator(e.Client, &awsiot.ListPoliciesInput{PageSize: aws.Int32(2), AscendingOrder: tc.ascending})
			if diff := cmp.Diff(tc.want, allPages(t, pages, policyNamesOf)); diff != "" {
				t.Errorf("ListPolicies (-want +got):\n%s", diff)
			}
		})
	}
	_, err := e.Client.ListPolicies(ctx(t), &awsiot.ListPoliciesInput{Marker: aws.String("Zm9yZ2VkLW1hcmtlci0wMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDA=")})
	wantErr[*types.InvalidRequestException](t, err)
}

func TestPoliciesAreIsolatedByAccount(t *testing.T) {
	e := newEnv(t)
	e.policyCreate("mine")
	other := e.otherAccount("210987654321")
	_, err := other.GetPolicy(ctx(t), &awsiot.GetPolicyInput{PolicyName: aws.String("mine")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.DeletePolicy(ctx(t), &awsiot.DeletePolicyInput{PolicyName: aws.String("mine")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.CreatePolicyVersion(ctx(t), &awsiot.CreatePolicyVersionInput{PolicyName: aws.String("mine"), PolicyDocument: aws.String(policyDoc)})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.AttachPolicy(ctx(t), &awsiot.AttachPolicyInput{PolicyName: aws.String("mine"), Target: aws.String(policyCognitoTarget)})
	wantErr[*types.ResourceNotFoundException](t, err)
	list, err := other.ListPolicies(ctx(t), &awsiot.ListPoliciesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Policies) != 0 {
		t.Errorf("another account lists %d policies", len(list.Policies))
	}
	// A marker of the first account is refused to the other.
	e.policyCreate("second")
	page, err := e.Client.ListPolicies(ctx(t), &awsiot.ListPoliciesInput{PageSize: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.ListPolicies(ctx(t), &awsiot.ListPoliciesInput{Marker: page.NextMarker})
	wantErr[*types.InvalidRequestException](t, err)
	// The other account has its own namespace.
	if _, err := other.CreatePolicy(ctx(t), &awsiot.CreatePolicyInput{PolicyName: aws.String("mine"), PolicyDocument: aws.String(policyDoc)}); err != nil {
		t.Fatal(err)
	}
}

// sdkPaginator is what the SDK's paginators have in common.
type sdkPaginator[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*awsiot.Options)) (O, error)
}

// allPages follows a paginator to the end of its listing and returns what
// items picks from each page.
func allPages[O any](t *testing.T, p sdkPaginator[O], items func(O) []string) []string {
	t.Helper()
	var all []string
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, items(out)...)
	}
	return all
}

// policyNamesOf picks the policy names of a ListPolicies page.
func policyNamesOf(out *awsiot.ListPoliciesOutput) []string { return namesOfPolicies(out.Policies) }

func namesOfPolicies(policies []types.Policy) []string {
	var names []string
	for _, p := range policies {
		names = append(names, aws.ToString(p.PolicyName))
	}
	return names
}
