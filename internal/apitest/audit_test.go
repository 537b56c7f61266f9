package apitest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/audit/check"
)

// The audit family through aws-sdk-go-v2: account audit configuration and
// audit tasks here; findings, suppressions and scheduled audits in the other
// audit_*_test.go files.

// auditOptions change how newAuditEnv wires the audit engine.
type auditOptions struct {
	checks      []*check.Check // the real catalogue when nil
	evaluator   check.Evaluator
	snsEndpoint string
}

// newAuditEnv starts iotdefender like newEnv, with the audit engine wired as
// opt says.
func newAuditEnv(t *testing.T, opt auditOptions) *env {
	t.Helper()
	a, err := app.New(context.Background(), app.Config{
		DataDir: t.TempDir(), Region: region, Endpoint: "iot.test:443",
		AccountID: firstAccount, AccessKeyID: firstKeyID, SecretAccessKey: firstSecret, KeyPoolSize: -1,
		Log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		AuditChecks: opt.checks, AuditEvaluator: opt.evaluator, SNSEndpoint: opt.snsEndpoint,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler)
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	e := &env{t: t, app: a, url: srv.URL}
	e.Client = e.client(firstKeyID, firstSecret)
	return e
}

const auditRole = "arn:aws:iam::123456789012:role/audit"

// enableChecks turns checks on for the client's account.
func enableChecks(t *testing.T, c *awsiot.Client, names ...string) {
	t.Helper()
	configs := map[string]types.AuditCheckConfiguration{}
	for _, n := range names {
		configs[n] = types.AuditCheckConfiguration{Enabled: true}
	}
	if _, err := c.UpdateAccountAuditConfiguration(ctx(t), &awsiot.UpdateAccountAuditConfigurationInput{
		RoleArn: aws.String(auditRole), AuditCheckConfigurations: configs}); err != nil {
		t.Fatal(err)
	}
}

// startAudit starts an on-demand audit and returns its task id.
func startAudit(t *testing.T, c *awsiot.Client, names ...string) string {
	t.Helper()
	out, err := c.StartOnDemandAuditTask(ctx(t), &awsiot.StartOnDemandAuditTaskInput{TargetCheckNames: names})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.TaskId)
}

// waitAudit polls a task until it leaves IN_PROGRESS.
func waitAudit(t *testing.T, c *awsiot.Client, id string) *awsiot.DescribeAuditTaskOutput {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := c.DescribeAuditTask(ctx(t), &awsiot.DescribeAuditTaskInput{TaskId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if out.TaskStatus != types.AuditTaskStatusInProgress {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit %s still in progress", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// fakeEvaluator runs each test check's behaviour; a check without one is
// compliant with nothing examined.
type fakeEvaluator struct {
	mu        sync.Mutex
	behaviour map[string]func(ctx context.Context, r check.Run) error
}

func (f *fakeEvaluator) set(name string, b func(ctx context.Context, r check.Run) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.behaviour == nil {
		f.behaviour = map[string]func(ctx context.Context, r check.Run) error{}
	}
	f.behaviour[name] = b
}

func (f *fakeEvaluator) Evaluate(ctx context.Context, account string, runs []check.Run) error {
	for _, r := range runs {
		f.mu.Lock()
		b := f.behaviour[r.Check.Name]
		f.mu.Unlock()
		var err error
		if b != nil {
			err = b(ctx, r)
		}
		r.Finished(err)
	}
	return nil
}

// Test checks, named so that they cannot be taken for real ones.
const (
	fakeCertCheck   = "APITEST_DEVICE_CERT_CHECK"
	fakeClientCheck = "APITEST_CLIENT_ID_CHECK"
)

func fakeChecks() []*check.Check {
	return []*check.Check{
		{Metadata: check.Metadata{Name: fakeCertCheck, Severity: check.Critical, ResourceType: check.DeviceCertificate,
			ReasonCodes: []string{"R1"}, Config: []check.ConfigKey{{Name: "CERT_AGE_THRESHOLD_IN_DAYS", Default: 365, Min: 30, Max: 3652}}}},
		{Metadata: check.Metadata{Name: fakeClientCheck, Severity: check.High, ResourceType: check.ClientID, ReasonCodes: []string{"R1"}}},
	}
}

func newFakeAuditEnv(t *testing.T) (*env, *fakeEvaluator) {
	eval := &fakeEvaluator{}
	return newAuditEnv(t, auditOptions{checks: fakeChecks(), evaluator: eval}), eval
}

func TestAuditConfiguration(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	desc, err := c.DescribeAccountAuditConfiguration(ctx(t), &awsiot.DescribeAccountAuditConfigurationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.AuditCheckConfigurations) != len(check.All()) || desc.RoleArn != nil || desc.AuditNotificationTargetConfigurations != nil {
		t.Fatalf("unconfigured: %d checks (want %d), role %v, targets %v", len(desc.AuditCheckConfigurations), len(check.All()),
			desc.RoleArn, desc.AuditNotificationTargetConfigurations)
	}
	for name, cfg := range desc.AuditCheckConfigurations {
		if cfg.Enabled {
			t.Errorf("%s enabled before any configuration", name)
		}
	}

	_, err = c.UpdateAccountAuditConfiguration(ctx(t), &awsiot.UpdateAccountAuditConfigurationInput{
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{"LOGGING_DISABLED_CHECK": {Enabled: true}}})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.UpdateAccountAuditConfiguration(ctx(t), &awsiot.UpdateAccountAuditConfigurationInput{RoleArn: aws.String(auditRole),
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{"REVOKED_CA_CERT_CHECK": {Enabled: true}}})
	if ie := wantErr[*types.InvalidRequestException](t, err); !strings.Contains(aws.ToString(ie.Message), "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK") {
		t.Errorf("former name: %s", aws.ToString(ie.Message))
	}

	_, err = c.UpdateAccountAuditConfiguration(ctx(t), &awsiot.UpdateAccountAuditConfigurationInput{
		RoleArn: aws.String(auditRole),
		AuditNotificationTargetConfigurations: map[string]types.AuditNotificationTarget{"SNS": {
			TargetArn: aws.String("arn:aws:sns:us-east-1:123456789012:audits"), RoleArn: aws.String(auditRole), Enabled: true}},
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{
			"DEVICE_CERTIFICATE_AGE_CHECK": {Enabled: true, Configuration: map[string]string{"CERT_AGE_THRESHOLD_IN_DAYS": "400"}},
			"LOGGING_DISABLED_CHECK":       {Enabled: true},
		}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAccountAuditConfiguration(ctx(t), &awsiot.UpdateAccountAuditConfigurationInput{
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{
			"DEVICE_CERTIFICATE_AGE_CHECK": {Configuration: map[string]string{"CERT_AGE_THRESHOLD_IN_DAYS": "10"}}}})
	wantErr[*types.InvalidRequestException](t, err)

	desc, err = c.DescribeAccountAuditConfiguration(ctx(t), &awsiot.DescribeAccountAuditConfigurationInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(desc.RoleArn) != auditRole {
		t.Errorf("role %v", desc.RoleArn)
	}
	sns := desc.AuditNotificationTargetConfigurations["SNS"]
	if aws.ToString(sns.TargetArn) != "arn:aws:sns:us-east-1:123456789012:audits" || !sns.Enabled {
		t.Errorf("SNS target %+v", sns)
	}
	age := desc.AuditCheckConfigurations["DEVICE_CERTIFICATE_AGE_CHECK"]
	if !age.Enabled || age.Configuration["CERT_AGE_THRESHOLD_IN_DAYS"] != "400" {
		t.Errorf("age check %+v", age)
	}
	if !desc.AuditCheckConfigurations["LOGGING_DISABLED_CHECK"].Enabled || desc.AuditCheckConfigurations["CA_CERTIFICATE_EXPIRING_CHECK"].Enabled {
		t.Errorf("enabled states %+v", desc.AuditCheckConfigurations)
	}

	// Another account has its own configuration.
	other := e.otherAccount("210987654321")
	if od, err := other.DescribeAccountAuditConfiguration(ctx(t), &awsiot.DescribeAccountAuditConfigurationInput{}); err != nil || od.RoleArn != nil {
		t.Errorf("other account: %v, %v", od, err)
	}
	_, err = other.DeleteAccountAuditConfiguration(ctx(t), &awsiot.DeleteAccountAuditConfigurationInput{})
	wantErr[*types.ResourceNotFoundException](t, err)

	if _, err := c.CreateScheduledAudit(ctx(t), &awsiot.CreateScheduledAuditInput{ScheduledAuditName: aws.String("daily"),
		Frequency: types.AuditFrequencyDaily, TargetCheckNames: []string{"LOGGING_DISABLED_CHECK"}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.UpdateAccountAuditConfiguration(ctx(t), &awsiot.UpdateAccountAuditConfigurationInput{
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{"LOGGING_DISABLED_CHECK": {Enabled: false}}})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.DeleteAccountAuditConfiguration(ctx(t), &awsiot.DeleteAccountAuditConfigurationInput{})
	wantErr[*types.InvalidRequestException](t, err)
	if _, err := c.DeleteAccountAuditConfiguration(ctx(t), &awsiot.DeleteAccountAuditConfigurationInput{DeleteScheduledAudits: true}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeScheduledAudit(ctx(t), &awsiot.DescribeScheduledAuditInput{ScheduledAuditName: aws.String("daily")})
	wantErr[*types.ResourceNotFoundException](t, err)
	desc, _ = c.DescribeAccountAuditConfiguration(ctx(t), &awsiot.DescribeAccountAuditConfigurationInput{})
	if desc.RoleArn != nil || desc.AuditCheckConfigurations["LOGGING_DISABLED_CHECK"].Enabled {
		t.Errorf("after delete: %+v", desc)
	}
}

// bodyRecorder keeps the body of every response.
type bodyRecorder struct {
	mu     sync.Mutex
	bodies []string
}

func (r *bodyRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	r.bodies = append(r.bodies, string(body))
	r.mu.Unlock()
	return resp, nil
}

func (r *bodyRecorder) last() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bodies[len(r.bodies)-1]
}

// foundingExample is the describe-audit-task output of the AWS CLI
// documentation for an all-compliant on-demand audit of six device
// certificates and no CA certificate, with suppressedNonCompliantResourcesCount
// added as current SDK shapes have it.
const foundingExample = `{
    "taskStatus": "COMPLETED",
    "taskType": "ON_DEMAND_AUDIT_TASK",
    "taskStartTime": 1560356923.434,
    "taskStatistics": {
        "totalChecks": 3,
        "inProgressChecks": 0,
        "waitingForDataCollectionChecks": 0,
        "compliantChecks": 3,
        "nonCompliantChecks": 0,
        "failedChecks": 0,
        "canceledChecks": 0
    },
    "auditDetails": {
        "CA_CERTIFICATE_EXPIRING_CHECK": {
            "checkRunStatus": "COMPLETED_COMPLIANT",
            "checkCompliant": true,
            "totalResourcesCount": 0,
            "nonCompliantResourcesCount": 0,
            "suppressedNonCompliantResourcesCount": 0
        },
        "DEVICE_CERTIFICATE_EXPIRING_CHECK": {
            "checkRunStatus": "COMPLETED_COMPLIANT",
            "checkCompliant": true,
            "totalResourcesCount": 6,
            "nonCompliantResourcesCount": 0,
            "suppressedNonCompliantResourcesCount": 0
        },
        "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK": {
            "checkRunStatus": "COMPLETED_COMPLIANT",
            "checkCompliant": true,
            "totalResourcesCount": 0,
            "nonCompliantResourcesCount": 0,
            "suppressedNonCompliantResourcesCount": 0
        }
    }
}`

// createDeviceCertificates issues n active device certificates from CSRs.
func createDeviceCertificates(t *testing.T, c *awsiot.Client, n int) []string {
	t.Helper()
	var ids []string
	for range n {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "device"}}, key)
		if err != nil {
			t.Fatal(err)
		}
		out, err := c.CreateCertificateFromCsr(ctx(t), &awsiot.CreateCertificateFromCsrInput{
			CertificateSigningRequest: aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))),
			SetAsActive:               true,
		})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, aws.ToString(out.CertificateId))
	}
	return ids
}

// TestDescribeAuditTaskFoundingExample runs the founding example's audit on
// an equivalent fleet with the real checks: the wire body must be the
// example's, field for field, but for the start time.
func TestDescribeAuditTaskFoundingExample(t *testing.T) {
	e := newEnv(t)
	createDeviceCertificates(t, e.Client, 6)
	names := []string{"CA_CERTIFICATE_EXPIRING_CHECK", "DEVICE_CERTIFICATE_EXPIRING_CHECK", "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK"}
	enableChecks(t, e.Client, names...)
	before := time.Now()
	id := startAudit(t, e.Client, names...)
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Errorf("task id %q is not 32 lowercase hex digits", id)
	}
	waitAudit(t, e.Client, id)

	recorder := &bodyRecorder{}
	raw := awsiot.New(awsiot.Options{Region: region, BaseEndpoint: aws.String(e.url), Retryer: connectionRetryer(),
		Credentials: credentials.NewStaticCredentialsProvider(firstKeyID, firstSecret, ""),
		HTTPClient:  &http.Client{Transport: recorder}})
	if _, err := raw.DescribeAuditTask(ctx(t), &awsiot.DescribeAuditTaskInput{TaskId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := json.Unmarshal([]byte(recorder.last()), &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(foundingExample), &want); err != nil {
		t.Fatal(err)
	}
	start, ok := got["taskStartTime"].(float64)
	if !ok || start < float64(before.Unix()) || start > float64(time.Now().Unix()+1) {
		t.Errorf("taskStartTime %v is not the audit's start in epoch seconds", got["taskStartTime"])
	}
	got["taskStartTime"] = want["taskStartTime"]
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("describe-audit-task body (-founding example +iotdefender):\n%s", diff)
	}
}

func TestAuditTasks(t *testing.T) {
	e, eval := newFakeAuditEnv(t)
	c := e.Client
	_, err := c.StartOnDemandAuditTask(ctx(t), &awsiot.StartOnDemandAuditTaskInput{TargetCheckNames: []string{fakeCertCheck}})
	wantErr[*types.InvalidRequestException](t, err)
	enableChecks(t, c, fakeCertCheck, fakeClientCheck)
	eval.set(fakeCertCheck, func(ctx context.Context, r check.Run) error {
		r.Report.Evaluated(4)
		r.Report.NonCompliant(check.Finding{Resource: check.Resource{Type: check.DeviceCertificate,
			Identifier: certIdentifier("aa")}, ReasonCode: "R1", Reason: "old"})
		return nil
	})
	eval.set(fakeClientCheck, func(ctx context.Context, r check.Run) error { return errors.New("no connection records") })
	id := startAudit(t, c, fakeCertCheck, fakeClientCheck)
	d := waitAudit(t, c, id)
	if d.TaskStatus != types.AuditTaskStatusCompleted || d.TaskType != types.AuditTaskTypeOnDemandAuditTask ||
		aws.ToInt32(d.TaskStatistics.NonCompliantChecks) != 1 || aws.ToInt32(d.TaskStatistics.FailedChecks) != 1 {
		t.Errorf("task %+v %+v", d, d.TaskStatistics)
	}
	cert := d.AuditDetails[fakeCertCheck]
	if cert.CheckRunStatus != types.AuditCheckRunStatusCompletedNonCompliant || aws.ToBool(cert.CheckCompliant) ||
		aws.ToInt64(cert.TotalResourcesCount) != 4 || aws.ToInt64(cert.NonCompliantResourcesCount) != 1 {
		t.Errorf("cert check %+v", cert)
	}
	failed := d.AuditDetails[fakeClientCheck]
	if failed.CheckRunStatus != types.AuditCheckRunStatusFailed || aws.ToString(failed.Message) != "no connection records" {
		t.Errorf("failed check %+v", failed)
	}

	_, err = c.DescribeAuditTask(ctx(t), &awsiot.DescribeAuditTaskInput{TaskId: aws.String("0123456789abcdef0123456789abcdef")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = c.CancelAuditTask(ctx(t), &awsiot.CancelAuditTaskInput{TaskId: aws.String(id)})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.CancelAuditTask(ctx(t), &awsiot.CancelAuditTaskInput{TaskId: aws.String("0123456789abcdef0123456789abcdef")})
	wantErr[*types.ResourceNotFoundException](t, err)

	// A blocked audit, canceled.
	release := make(chan struct{})
	defer close(release)
	eval.set(fakeCertCheck, func(ctx context.Context, r check.Run) error {
		select {
		case <-ctx.Done():
		case <-release:
		}
		return nil
	})
	time.Sleep(2 * time.Millisecond) // start times in distinct milliseconds order the listing below
	running := startAudit(t, c, fakeCertCheck)
	if _, err := c.CancelAuditTask(ctx(t), &awsiot.CancelAuditTaskInput{TaskId: aws.String(running)}); err != nil {
		t.Fatal(err)
	}
	if d := waitAudit(t, c, running); d.TaskStatus != types.AuditTaskStatusCanceled || aws.ToInt32(d.TaskStatistics.CanceledChecks) != 1 {
		t.Errorf("canceled task %s %+v", d.TaskStatus, d.TaskStatistics)
	}
	time.Sleep(2 * time.Millisecond)

	// Ten running on-demand audits at most.
	for range 10 {
		startAudit(t, c, fakeCertCheck)
	}
	_, err = c.StartOnDemandAuditTask(ctx(t), &awsiot.StartOnDemandAuditTaskInput{TargetCheckNames: []string{fakeCertCheck}})
	wantErr[*types.LimitExceededException](t, err)

	// Listing: newest first, paged, filtered.
	now := time.Now().Add(time.Second)
	var all []string
	p := awsiot.NewListAuditTasksPaginator(c, &awsiot.ListAuditTasksInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now),
		MaxResults: aws.Int32(5)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range page.Tasks {
			all = append(all, aws.ToString(task.TaskId))
		}
	}
	if len(all) != 12 || all[10] != running || all[11] != id {
		t.Errorf("listed %d tasks, oldest last: %v", len(all), all)
	}
	canceled, err := c.ListAuditTasks(ctx(t), &awsiot.ListAuditTasksInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now),
		TaskStatus: types.AuditTaskStatusCanceled})
	if err != nil || len(canceled.Tasks) != 1 || aws.ToString(canceled.Tasks[0].TaskId) != running {
		t.Errorf("canceled tasks %+v, %v", canceled, err)
	}
	_, err = c.ListAuditTasks(ctx(t), &awsiot.ListAuditTasksInput{StartTime: aws.Time(now.Add(-91 * 24 * time.Hour)), EndTime: aws.Time(now)})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.ListAuditTasks(ctx(t), &awsiot.ListAuditTasksInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now), NextToken: aws.String("forged")})
	wantErr[*types.InvalidRequestException](t, err)

	other := e.otherAccount("210987654321")
	_, err = other.DescribeAuditTask(ctx(t), &awsiot.DescribeAuditTaskInput{TaskId: aws.String(id)})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.CancelAuditTask(ctx(t), &awsiot.CancelAuditTaskInput{TaskId: aws.String(running)})
	wantErr[*types.ResourceNotFoundException](t, err)
	if out, err := other.ListAuditTasks(ctx(t), &awsiot.ListAuditTasksInput{StartTime: aws.Time(now.Add(-time.Hour)), EndTime: aws.Time(now)}); err != nil || len(out.Tasks) != 0 {
		t.Errorf("other account lists %+v, %v", out, err)
	}
}
