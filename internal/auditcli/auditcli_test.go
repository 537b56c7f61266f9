package auditcli_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/auditcli"
	"github.com/iotdefender/iotdefender/internal/iotclient/iotclienttest"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// TestRunEnablesAndReports audits an account with an overly permissive
// policy and logging off, the logging finding suppressed: the table counts
// it as suppressed, and only the policy is a top finding.
func TestRunEnablesAndReports(t *testing.T) {
	s := iotclienttest.Start(t, nil)
	ctx := testContext(t)
	c := s.Client.IoT
	if _, err := c.CreatePolicy(ctx, &awsiot.CreatePolicyInput{PolicyName: aws.String("everything"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}

	var out bytes.Buffer
	opts := auditcli.Options{Checks: []string{"IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "LOGGING_DISABLED_CHECK"}, Enable: true,
		Out: &out, PollInterval: 10 * time.Millisecond}
	res, err := auditcli.Run(ctx, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Completed() || len(res.Findings) != 2 || aws.ToString(res.Findings[0].CheckName) != "IOT_POLICY_OVERLY_PERMISSIVE_CHECK" {
		t.Fatalf("result %+v, want the critical policy finding first:\n%s", res, out.String())
	}
	cfg, err := c.DescribeAccountAuditConfiguration(ctx, &awsiot.DescribeAccountAuditConfigurationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(cfg.RoleArn); got != "arn:aws:iam::123456789012:role/iotdefender-audit" {
		t.Errorf("role %q: the placeholder takes the account from the policy's ARN", got)
	}
	for _, want := range []string{
		"Enabled 2 checks: IOT_POLICY_OVERLY_PERMISSIVE_CHECK, LOGGING_DISABLED_CHECK.",
		"[ 1/2] IOT_POLICY_OVERLY_PERMISSIVE_CHECK",
		"CHECK                               STATUS                   TOTAL  NON-COMPLIANT  SUPPRESSED",
		"LOGGING_DISABLED_CHECK              COMPLETED_NON_COMPLIANT  1      1              0",
		"CRITICAL  IOT_POLICY_OVERLY_PERMISSIVE_CHECK  policy everything version 1",
		"list-audit-findings --task-id " + res.TaskID,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("output not for a terminal has a carriage return:\n%q", out.String())
	}

	// Suppress the logging finding; the checks are enabled already.
	if _, err := c.CreateAuditSuppression(ctx, &awsiot.CreateAuditSuppressionInput{CheckName: aws.String("LOGGING_DISABLED_CHECK"),
		ResourceIdentifier: &types.ResourceIdentifier{Account: aws.String(iotclienttest.Account)}, SuppressIndefinitely: aws.Bool(true),
		ClientRequestToken: aws.String("suppress-logging")}); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	res, err = auditcli.Run(ctx, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"LOGGING_DISABLED_CHECK              COMPLETED_COMPLIANT      1      1              1",
		"compliant, 1 of 1 resource non-compliant but suppressed",
		"Top findings (1 of 1 unsuppressed",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "Enabled") || strings.Contains(out.String(), "Audit role") || len(res.Findings) != 1 {
		t.Errorf("second run enabled something or showed the suppressed finding:\n%s", out.String())
	}
}

func TestRunChecksToRun(t *testing.T) {
	s := iotclienttest.Start(t, nil)
	ctx := testContext(t)
	c := s.Client.IoT
	var out bytes.Buffer
	_, err := auditcli.Run(ctx, c, auditcli.Options{Out: &out})
	if err == nil || !strings.Contains(err.Error(), "no audit check is enabled") {
		t.Errorf("all without --enable on a new account: %v", err)
	}
	_, err = auditcli.Run(ctx, c, auditcli.Options{Checks: []string{"NO_SUCH_CHECK"}, Out: &out})
	if err == nil || !strings.Contains(err.Error(), "NO_SUCH_CHECK is not an audit check") {
		t.Errorf("unknown check: %v", err)
	}
	_, err = auditcli.Run(ctx, c, auditcli.Options{Enable: true, Out: &out})
	if err == nil || !strings.Contains(err.Error(), "--role-arn") {
		t.Errorf("--enable with no way to know the account: %v", err)
	}

	// With --enable, all is every check iotdefender runs; then, without, every
	// enabled one.
	res, err := auditcli.Run(ctx, c, auditcli.Options{Enable: true, Account: iotclienttest.Account, Out: &out, PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runnable := 0
	for _, ch := range check.All() {
		if ch.Unsupported == "" {
			runnable++
		}
	}
	if len(res.Task.AuditDetails) != runnable {
		t.Errorf("%d checks audited, want the %d iotdefender runs", len(res.Task.AuditDetails), runnable)
	}
	res, err = auditcli.Run(ctx, c, auditcli.Options{Checks: []string{"all"}, Out: &out, PollInterval: 10 * time.Millisecond})
	if err != nil || len(res.Task.AuditDetails) != runnable {
		t.Errorf("all of the enabled checks: %v", err)
	}
	// A check that is not enabled is refused by the server.
	_, err = auditcli.Run(ctx, c, auditcli.Options{Checks: []string{"IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK"}, Out: &out})
	var invalid *types.InvalidRequestException
	if !errors.As(err, &invalid) {
		t.Errorf("check not enabled: %v", err)
	}
}

// failing is an evaluator whose evaluation fails as a whole.
type failing struct{}

func (failing) Evaluate(context.Context, string, []check.Run) error {
	return errors.New("the store went away")
}

func TestRunFailedTask(t *testing.T) {
	s := iotclienttest.Start(t, func(c *app.Config) { c.AuditEvaluator = failing{} })
	ctx := testContext(t)
	var out bytes.Buffer
	res, err := auditcli.Run(ctx, s.Client.IoT, auditcli.Options{Checks: []string{"LOGGING_DISABLED_CHECK"}, Enable: true,
		Account: iotclienttest.Account, Out: &out, PollInterval: 10 * time.Millisecond, Live: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Completed() || res.Task.TaskStatus != types.AuditTaskStatusFailed {
		t.Errorf("task %s, want FAILED", res.Task.TaskStatus)
	}
	for _, want := range []string{"FAILED in", "LOGGING_DISABLED_CHECK: the store went away", "No unsuppressed finding."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunStopsFollowingWhenCanceled(t *testing.T) {
	s := iotclienttest.Start(t, func(c *app.Config) { c.AuditEvaluator = blocking{} })
	ctx, cancel := context.WithCancel(testContext(t))
	var out bytes.Buffer
	go func() {
		time.Sleep(100 * time.Millisecond)
		cancel()
	}()
	_, err := auditcli.Run(ctx, s.Client.IoT, auditcli.Options{Checks: []string{"LOGGING_DISABLED_CHECK"}, Enable: true,
		Account: iotclienttest.Account, Out: &out, PollInterval: 10 * time.Millisecond, Live: true})
	if err == nil || !strings.Contains(err.Error(), "it goes on in the server") || !strings.Contains(err.Error(), "cancel-audit-task") {
		t.Errorf("error %v", err)
	}
	if !strings.Contains(out.String(), "0 of 1 checks done") || !strings.HasSuffix(out.String(), "\r\033[K") {
		t.Errorf("live status line not shown then cleared: %q", out.String())
	}
}

// blocking is an evaluator that runs until the audit is canceled.
type blocking struct{}

func (blocking) Evaluate(ctx context.Context, _ string, _ []check.Run) error {
	<-ctx.Done()
	return ctx.Err()
}

func TestResource(t *testing.T) {
	id := strings.Repeat("ab", 32)
	tests := []struct {
		in   *types.NonCompliantResource
		want string
	}{
		{&types.NonCompliantResource{ResourceIdentifier: &types.ResourceIdentifier{DeviceCertificateId: aws.String(id)}}, "device certificate abababababababab…"},
		{&types.NonCompliantResource{ResourceIdentifier: &types.ResourceIdentifier{CaCertificateId: aws.String(id)}}, "CA certificate abababababababab…"},
		{&types.NonCompliantResource{ResourceIdentifier: &types.ResourceIdentifier{PolicyVersionIdentifier: &types.PolicyVersionIdentifier{
			PolicyName: aws.String("p"), PolicyVersionId: aws.String("3")}}}, "policy p version 3"},
		{&types.NonCompliantResource{ResourceIdentifier: &types.ResourceIdentifier{ClientId: aws.String("c-1")}}, "client id c-1"},
		{&types.NonCompliantResource{ResourceIdentifier: &types.ResourceIdentifier{Account: aws.String("123456789012")}}, "account 123456789012"},
		{&types.NonCompliantResource{ResourceIdentifier: &types.ResourceIdentifier{IssuerCertificateIdentifier: &types.IssuerCertificateIdentifier{
			IssuerCertificateSubject: aws.String("CN=I"), IssuerCertificateSerialNumber: aws.String("0a")}}}, "issuer certificate CN=I (serial 0a)"},
		{&types.NonCompliantResource{ResourceType: types.ResourceTypeIamRole, ResourceIdentifier: &types.ResourceIdentifier{}}, "IAM_ROLE"},
		{nil, "(no resource)"},
	}
	for _, tt := range tests {
		if got := auditcli.Resource(tt.in); got != tt.want {
			t.Errorf("Resource() = %q, want %q", got, tt.want)
		}
	}
}
