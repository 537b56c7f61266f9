package apitest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
)

// A Cognito identity id: a policy target iotdefender takes as given.
const policyCognitoTarget = "us-east-1:11111111-2222-3333-4444-555555555555"

// policyCertificateARN creates an active certificate and returns its ARN.
func (e *env) policyCertificateARN() string {
	e.t.Helper()
	out, err := e.Client.CreateKeysAndCertificate(ctx(e.t), &awsiot.CreateKeysAndCertificateInput{SetAsActive: true})
	if err != nil {
		e.t.Fatal(err)
	}
	return aws.ToString(out.CertificateArn)
}

func TestAttachAndDetachPolicy(t *testing.T) {
	e := newEnv(t)
	e.policyCreate("p")
	cert := e.policyCertificateARN()
	for _, target := range []string{cert, policyCognitoTarget} {
		if _, err := e.Client.AttachPolicy(ctx(t), &awsiot.AttachPolicyInput{PolicyName: aws.String("p"), Target: aws.String(target)}); err != nil {
			t.Fatalf("AttachPolicy to %s: %v", target, err)
		}
	}
	targets, err := e.Client.ListTargetsForPolicy(ctx(t), &awsiot.ListTargetsForPolicyInput{PolicyName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{cert, policyCognitoTarget}, targets.Targets); diff != "" {
		t.Errorf("ListTargetsForPolicy (-want +got):\n%s", diff)
	}
	attached, err := e.Client.ListAttachedPolicies(ctx(t), &awsiot.ListAttachedPoliciesInput{Target: aws.String(cert)})
	if err != nil {
		t.Fatal(err)
	}
	if len(attached.Policies) != 1 || aws.ToString(attached.Policies[0].PolicyName) != "p" ||
		aws.ToString(attached.Policies[0].PolicyArn) != "arn:aws:iot:us-east-1:123456789012:policy/p" {
		t.Errorf("ListAttachedPolicies = %+v", attached.Policies)
	}
	_, err = e.Client.DeletePolicy(ctx(t), &awsiot.DeletePolicyInput{PolicyName: aws.String("p")})
	wantErr[*types.DeleteConflictException](t, err)

	for _, tc := range []struct {
		name   string
		policy string
		target string
		check  func(t *testing.T, err error)
	}{
		{"not a target", "p", "lamp", func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"a certificate that does not exist", "p", "arn:aws:iot:us-east-1:123456789012:cert/" + policyMissingCertID,
			func(t *testing.T, err error) { wantErr[*types.ResourceNotFoundException](t, err) }},
		{"a policy that does not exist", "absent", policyCognitoTarget, func(t *testing.T, err error) { wantErr[*types.ResourceNotFoundException](t, err) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Client.AttachPolicy(ctx(t), &awsiot.AttachPolicyInput{PolicyName: aws.String(tc.policy), Target: aws.String(tc.target)})
			tc.check(t, err)
		})
	}

	for _, target := range []string{cert, policyCognitoTarget} {
		if _, err := e.Client.DetachPolicy(ctx(t), &awsiot.DetachPolicyInput{PolicyName: aws.String("p"), Target: aws.String(target)}); err != nil {
			t.Fatal(err)
		}
	}
	// Detaching again changes nothing.
	if _, err := e.Client.DetachPolicy(ctx(t), &awsiot.DetachPolicyInput{PolicyName: aws.String("p"), Target: aws.String(cert)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.DeletePolicy(ctx(t), &awsiot.DeletePolicyInput{PolicyName: aws.String("p")}); err != nil {
		t.Fatal(err)
	}
}

const policyMissingCertID = "0000000000000000000000000000000000000000000000000000000000000000"

func TestAttachPolicyLimitAndPaging(t *testing.T) {
	e := newEnv(t)
	names := []string{"p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08", "p09", "p10"}
	for _, name := range names {
		e.policyCreate(name)
	}
	for _, name := range names[:10] {
		if _, err := e.Client.AttachPolicy(ctx(t), &awsiot.AttachPolicyInput{PolicyName: aws.String(name), Target: aws.String(policyCognitoTarget)}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.Client.AttachPolicy(ctx(t), &awsiot.AttachPolicyInput{PolicyName: aws.String("p10"), Target: aws.String(policyCognitoTarget)})
	wantErr[*types.LimitExceededException](t, err)

	pages := awsiot.NewListAttachedPoliciesPaginator(e.Client, &awsiot.ListAttachedPoliciesInput{Target: aws.String(policyCognitoTarget), PageSize: aws.Int32(4)})
	got := allPages(t, pages, func(out *awsiot.ListAttachedPoliciesOutput) []string { return namesOfPolicies(out.Policies) })
	if diff := cmp.Diff(names[:10], got); diff != "" {
		t.Errorf("ListAttachedPolicies in pages of 4 (-want +got):\n%s", diff)
	}
	_, err = e.Client.ListAttachedPolicies(ctx(t), &awsiot.ListAttachedPoliciesInput{Target: aws.String(policyCognitoTarget), Marker: aws.String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")})
	wantErr[*types.InvalidRequestException](t, err)

	other := e.otherAccount("210987654321")
	theirs, err := other.ListAttachedPolicies(ctx(t), &awsiot.ListAttachedPoliciesInput{Target: aws.String(policyCognitoTarget)})
	if err != nil {
		t.Fatal(err)
	}
	if len(theirs.Policies) != 0 {
		t.Errorf("another account sees %d policies attached", len(theirs.Policies))
	}
	_, err = other.ListTargetsForPolicy(ctx(t), &awsiot.ListTargetsForPolicyInput{PolicyName: aws.String("p00")})
	wantErr[*types.ResourceNotFoundException](t, err)
}

func TestPrincipalPolicyOperations(t *testing.T) {
	e := newEnv(t)
	for _, name := range []string{"a", "b", "c"} {
		e.policyCreate(name)
	}
	cert := e.policyCertificateARN()
	for _, name := range []string{"a", "b", "c"} {
		if _, err := e.Client.AttachPrincipalPolicy(ctx(t), &awsiot.AttachPrincipalPolicyInput{PolicyName: aws.String(name), Principal: aws.String(cert)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Client.AttachPrincipalPolicy(ctx(t), &awsiot.AttachPrincipalPolicyInput{PolicyName: aws.String("a"), Principal: aws.String(policyCognitoTarget)}); err != nil {
		t.Fatal(err)
	}
	_, err := e.Client.AttachPrincipalPolicy(ctx(t), &awsiot.AttachPrincipalPolicyInput{PolicyName: aws.String("a"),
		Principal: aws.String("arn:aws:iot:us-east-1:123456789012:thinggroup/lamps")})
	wantErr[*types.InvalidRequestException](t, err)

	pages := awsiot.NewListPrincipalPoliciesPaginator(e.Client, &awsiot.ListPrincipalPoliciesInput{Principal: aws.String(cert), PageSize: aws.Int32(2)})
	got := allPages(t, pages, func(out *awsiot.ListPrincipalPoliciesOutput) []string { return namesOfPolicies(out.Policies) })
	if diff := cmp.Diff([]string{"c", "b", "a"}, got); diff != "" {
		t.Errorf("ListPrincipalPolicies, descending by default (-want +got):\n%s", diff)
	}
	principals, err := e.Client.ListPolicyPrincipals(ctx(t), &awsiot.ListPolicyPrincipalsInput{PolicyName: aws.String("a"), AscendingOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{cert, policyCognitoTarget}, principals.Principals); diff != "" {
		t.Errorf("ListPolicyPrincipals (-want +got):\n%s", diff)
	}
	_, err = e.Client.ListPolicyPrincipals(ctx(t), &awsiot.ListPolicyPrincipalsInput{PolicyName: aws.String("absent")})
	wantErr[*types.ResourceNotFoundException](t, err)

	if _, err := e.Client.DetachPrincipalPolicy(ctx(t), &awsiot.DetachPrincipalPolicyInput{PolicyName: aws.String("a"), Principal: aws.String(cert)}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.DetachPrincipalPolicy(ctx(t), &awsiot.DetachPrincipalPolicyInput{PolicyName: aws.String("absent"), Principal: aws.String(cert)})
	wantErr[*types.ResourceNotFoundException](t, err)
	left, err := e.Client.ListPrincipalPolicies(ctx(t), &awsiot.ListPrincipalPoliciesInput{Principal: aws.String(cert), AscendingOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Policies) != 2 || aws.ToString(left.Policies[0].PolicyName) != "b" {
		t.Errorf("ListPrincipalPolicies after detaching a = %+v", left.Policies)
	}
	// The certificate is the first account's.
	other := e.otherAccount("210987654321")
	_, err = other.ListPrincipalPolicies(ctx(t), &awsiot.ListPrincipalPoliciesInput{Principal: aws.String(cert)})
	wantErr[*types.ResourceNotFoundException](t, err)
}
