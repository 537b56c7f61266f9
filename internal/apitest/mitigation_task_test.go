package apitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
)

// Audit mitigation actions tasks through aws-sdk-go-v2, applied to findings
// of real audits.

// expiringDevice registers an ACTIVE device certificate that expires in ten
// days: DEVICE_CERTIFICATE_EXPIRING_CHECK reports it.
func expiringDevice(t *testing.T, c *awsiot.Client) string {
	t.Helper()
	out, err := c.RegisterCertificateWithoutCA(ctx(t), &awsiot.RegisterCertificateWithoutCAInput{
		CertificatePem: aws.String(selfSignedDevice(t, pkiCert{notAfter: time.Now().Add(10 * 24 * time.Hour)})),
		Status:         types.CertificateStatusActive})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.CertificateId)
}

// findingsByCertificate lists an audit's findings by device certificate id.
func findingsByCertificate(t *testing.T, c *awsiot.Client, audit string) map[string]string {
	t.Helper()
	out, err := c.ListAuditFindings(ctx(t), &awsiot.ListAuditFindingsInput{TaskId: aws.String(audit)})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, f := range out.Findings {
		m[aws.ToString(f.NonCompliantResource.ResourceIdentifier.DeviceCertificateId)] = aws.ToString(f.FindingId)
	}
	return m
}

type executionOutcome struct {
	Action, Status, ErrorCode string
	HasMessage                bool
}

func executionOutcomes(t *testing.T, c *awsiot.Client, task, finding string, status types.AuditMitigationActionsExecutionStatus) []executionOutcome {
	t.Helper()
	var out []executionOutcome
	p := awsiot.NewListAuditMitigationActionsExecutionsPaginator(c, &awsiot.ListAuditMitigationActionsExecutionsInput{
		TaskId: aws.String(task), FindingId: aws.String(finding), ActionStatus: status, MaxResults: aws.Int32(1)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range page.ActionsExecutions {
			out = append(out, executionOutcome{aws.ToString(x.ActionName), string(x.Status), aws.ToString(x.ErrorCode), x.Message != nil})
		}
	}
	return out
}

const expiringCheck = "DEVICE_CERTIFICATE_EXPIRING_CHECK"

// wantEnded checks that a task ended in status, and its counts of the
// expiring check's findings: total, succeeded, failed, skipped, canceled.
func wantEnded(t *testing.T, d *awsiot.DescribeAuditMitigationActionsTaskOutput, status types.AuditMitigationActionsTaskStatus, counts ...int64) {
	t.Helper()
	if d.TaskStatus != status || d.EndTime == nil {
		t.Errorf("task %s, end %v; want %s with an end time", d.TaskStatus, d.EndTime, status)
	}
	want := map[string]types.TaskStatisticsForAuditCheck{expiringCheck: {TotalFindingsCount: &counts[0],
		SucceededFindingsCount: &counts[1], FailedFindingsCount: &counts[2], SkippedFindingsCount: &counts[3], CanceledFindingsCount: &counts[4]}}
	if diff := cmp.Diff(want, d.TaskStatistics, ignoreSerde); diff != "" {
		t.Errorf("statistics (-want +got):\n%s", diff)
	}
}

func TestAuditMitigationActionsTasks(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	good, revoked := expiringDevice(t, c), expiringDevice(t, c)
	if _, err := c.CreateThing(ctx(t), &awsiot.CreateThingInput{ThingName: aws.String("lamp")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AttachThingPrincipal(ctx(t), &awsiot.AttachThingPrincipalInput{ThingName: aws.String("lamp"),
		Principal: aws.String("arn:aws:iot:us-east-1:123456789012:cert/" + good)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateThingGroup(ctx(t), &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("quarantine")}); err != nil {
		t.Fatal(err)
	}
	enableChecks(t, c, expiringCheck)
	audit := startAudit(t, c, expiringCheck)
	waitAudit(t, c, audit)
	findings := findingsByCertificate(t, c, audit)
	if len(findings) != 2 {
		t.Fatalf("findings %v, want one per certificate", findings)
	}
	// Revoked after the audit: deactivating it fails.
	if _, err := c.UpdateCertificate(ctx(t), &awsiot.UpdateCertificateInput{CertificateId: aws.String(revoked),
		NewStatus: types.CertificateStatusRevoked}); err != nil {
		t.Fatal(err)
	}
	params := mitigationParams()
	createAction(t, c, "deactivate", params[types.MitigationActionTypeUpdateDeviceCertificate])
	createAction(t, c, "isolate", params[types.MitigationActionTypeAddThingsToThingGroup])
	createAction(t, c, "blank", params[types.MitigationActionTypeReplaceDefaultPolicyVersion])
	mapping := map[string][]string{expiringCheck: {"deactivate", "isolate"}}
	start := &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("contain"), ClientRequestToken: aws.String("token-1"),
		Target: &types.AuditMitigationActionsTaskTarget{AuditTaskId: aws.String(audit)}, AuditCheckToActionsMapping: mapping}

	for range 2 { // a retry with the same token returns the task
		out, err := c.StartAuditMitigationActionsTask(ctx(t), start)
		if err != nil || aws.ToString(out.TaskId) != "contain" {
			t.Fatalf("start: %+v, %v", out, err)
		}
	}
	wantEnded(t, waitMitigation(t, c, "contain"), types.AuditMitigationActionsTaskStatusFailed, 2, 1, 1, 0, 0)
	for id, want := range map[string]types.CertificateStatus{good: types.CertificateStatusInactive, revoked: types.CertificateStatusRevoked} {
		got, err := c.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: aws.String(id)})
		if err != nil || got.CertificateDescription.Status != want {
			t.Errorf("certificate %s…: %v, %v; want %s", id[:8], got.CertificateDescription.Status, err, want)
		}
	}
	groups, err := c.ListThingGroupsForThing(ctx(t), &awsiot.ListThingGroupsForThingInput{ThingName: aws.String("lamp")})
	if err != nil || len(groups.ThingGroups) != 1 || aws.ToString(groups.ThingGroups[0].GroupName) != "quarantine" {
		t.Errorf("groups of the thing: %+v, %v", groups, err)
	}
	for _, tc := range []struct {
		name    string
		finding string
		status  types.AuditMitigationActionsExecutionStatus
		want    []executionOutcome
	}{
		{"applied in order", findings[good], "", []executionOutcome{{"deactivate", "COMPLETED", "", false}, {"isolate", "COMPLETED", "", false}}},
		{"failed, then skipped", findings[revoked], "", []executionOutcome{{"deactivate", "FAILED", "INVALID_STATE_OF_RESOURCE", true},
			{"isolate", "SKIPPED", "", true}}},
		{"by status", findings[revoked], types.AuditMitigationActionsExecutionStatusSkipped, []executionOutcome{{"isolate", "SKIPPED", "", true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, executionOutcomes(t, c, "contain", tc.finding, tc.status)); diff != "" {
				t.Errorf("executions (-want +got):\n%s", diff)
			}
		})
	}

	var many []string
	for i := range 26 {
		many = append(many, fmt.Sprintf("finding-%d", i))
	}
	for _, tc := range []struct {
		name    string
		in      *awsiot.StartAuditMitigationActionsTaskInput
		wantErr func(t *testing.T, err error)
	}{
		{"same task id, another token", &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("contain"),
			ClientRequestToken: aws.String("token-2"), Target: start.Target, AuditCheckToActionsMapping: mapping},
			func(t *testing.T, err error) { wantErr[*types.TaskAlreadyExistsException](t, err) }},
		{"unknown action", &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("refused"), Target: start.Target,
			AuditCheckToActionsMapping: map[string][]string{expiringCheck: {"missing"}}},
			func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"action type the check does not allow", &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("refused"), Target: start.Target,
			AuditCheckToActionsMapping: map[string][]string{expiringCheck: {"blank"}}},
			func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"both target forms", &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("refused"),
			Target:                     &types.AuditMitigationActionsTaskTarget{AuditTaskId: aws.String(audit), FindingIds: []string{findings[good]}},
			AuditCheckToActionsMapping: mapping},
			func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"26 findings", &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("refused"),
			Target: &types.AuditMitigationActionsTaskTarget{FindingIds: many}, AuditCheckToActionsMapping: mapping},
			func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
		{"reason code the check does not declare", &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("refused"),
			Target: &types.AuditMitigationActionsTaskTarget{AuditTaskId: aws.String(audit),
				AuditCheckToReasonCodeFilter: map[string][]string{expiringCheck: {"LOGGING_DISABLED"}}}, AuditCheckToActionsMapping: mapping},
			func(t *testing.T, err error) { wantErr[*types.InvalidRequestException](t, err) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.StartAuditMitigationActionsTask(ctx(t), tc.in)
			tc.wantErr(t, err)
		})
	}
	_, err = c.DescribeAuditMitigationActionsTask(ctx(t), &awsiot.DescribeAuditMitigationActionsTaskInput{TaskId: aws.String("refused")})
	wantErr[*types.ResourceNotFoundException](t, err)

	// A second task, of the good finding only.
	sleepPastMillisecond()
	if _, err := c.StartAuditMitigationActionsTask(ctx(t), &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("again"),
		Target:                     &types.AuditMitigationActionsTaskTarget{FindingIds: []string{findings[good]}},
		AuditCheckToActionsMapping: map[string][]string{expiringCheck: {"deactivate"}}}); err != nil {
		t.Fatal(err)
	}
	if d := waitMitigation(t, c, "again"); d.TaskStatus != types.AuditMitigationActionsTaskStatusCompleted {
		t.Errorf("second task %s, want COMPLETED: the certificate was already inactive", d.TaskStatus)
	}

	from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
	listTasks := func(in awsiot.ListAuditMitigationActionsTasksInput) []string {
		t.Helper()
		in.StartTime, in.EndTime, in.MaxResults = &from, &to, aws.Int32(1)
		var ids []string
		p := awsiot.NewListAuditMitigationActionsTasksPaginator(c, &in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, task := range page.Tasks {
				ids = append(ids, aws.ToString(task.TaskId))
				if task.StartTime == nil {
					t.Errorf("task %+v has no start time", task)
				}
			}
		}
		return ids
	}
	for _, tc := range []struct {
		name string
		in   awsiot.ListAuditMitigationActionsTasksInput
		want []string
	}{
		{"window, newest first", awsiot.ListAuditMitigationActionsTasksInput{}, []string{"again", "contain"}},
		{"audit task", awsiot.ListAuditMitigationActionsTasksInput{AuditTaskId: aws.String(audit)}, []string{"again", "contain"}},
		{"finding", awsiot.ListAuditMitigationActionsTasksInput{FindingId: aws.String(findings[revoked])}, []string{"contain"}},
		{"status", awsiot.ListAuditMitigationActionsTasksInput{TaskStatus: types.AuditMitigationActionsTaskStatusFailed}, []string{"contain"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, listTasks(tc.in)); diff != "" {
				t.Errorf("tasks (-want +got):\n%s", diff)
			}
		})
	}
	old := time.Now().Add(-91 * 24 * time.Hour)
	_, err = c.ListAuditMitigationActionsTasks(ctx(t), &awsiot.ListAuditMitigationActionsTasksInput{StartTime: &old, EndTime: &to})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.ListAuditMitigationActionsTasks(ctx(t), &awsiot.ListAuditMitigationActionsTasksInput{StartTime: &from, EndTime: &to,
		NextToken: aws.String("forged")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.CancelAuditMitigationActionsTask(ctx(t), &awsiot.CancelAuditMitigationActionsTaskInput{TaskId: aws.String("contain")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.CancelAuditMitigationActionsTask(ctx(t), &awsiot.CancelAuditMitigationActionsTaskInput{TaskId: aws.String("missing")})
	wantErr[*types.ResourceNotFoundException](t, err)

	other := e.otherAccount("210987654321")
	_, err = other.DescribeAuditMitigationActionsTask(ctx(t), &awsiot.DescribeAuditMitigationActionsTaskInput{TaskId: aws.String("contain")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.CancelAuditMitigationActionsTask(ctx(t), &awsiot.CancelAuditMitigationActionsTaskInput{TaskId: aws.String("contain")})
	wantErr[*types.ResourceNotFoundException](t, err)
	if out, err := other.ListAuditMitigationActionsTasks(ctx(t), &awsiot.ListAuditMitigationActionsTasksInput{StartTime: &from, EndTime: &to}); err != nil || len(out.Tasks) != 0 {
		t.Errorf("the other account lists %+v, %v", out, err)
	}
	if out, err := other.ListAuditMitigationActionsExecutions(ctx(t), &awsiot.ListAuditMitigationActionsExecutionsInput{
		TaskId: aws.String("contain"), FindingId: aws.String(findings[good])}); err != nil || len(out.ActionsExecutions) != 0 {
		t.Errorf("the other account lists executions %+v, %v", out, err)
	}
	// The other account has no such audit, nor such actions.
	_, err = other.StartAuditMitigationActionsTask(ctx(t), start)
	wantErr[*types.InvalidRequestException](t, err)
}

// blockingSNS is an SNS endpoint whose Publish answers once release is
// called, with the credentials the SNS client needs.
func blockingSNS(t *testing.T) (endpoint string, published <-chan struct{}, release func()) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	calls, gate := make(chan struct{}, 10), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls <- struct{}{}
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m</MessageId></PublishResult>`+
			`<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`)
	}))
	t.Cleanup(srv.Close)
	var released bool
	return srv.URL, calls, func() {
		if !released {
			released = true
			close(gate)
		}
	}
}

func TestCancelAuditMitigationActionsTask(t *testing.T) {
	endpoint, published, release := blockingSNS(t)
	defer release()
	e := newAuditEnv(t, auditOptions{snsEndpoint: endpoint})
	c := e.Client
	certs := []string{expiringDevice(t, c), expiringDevice(t, c)}
	enableChecks(t, c, expiringCheck)
	audit := startAudit(t, c, expiringCheck)
	waitAudit(t, c, audit)
	createAction(t, c, "notify", mitigationParams()[types.MitigationActionTypePublishFindingToSns])
	createAction(t, c, "deactivate", mitigationParams()[types.MitigationActionTypeUpdateDeviceCertificate])
	if _, err := c.StartAuditMitigationActionsTask(ctx(t), &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("stop-me"),
		Target:                     &types.AuditMitigationActionsTaskTarget{AuditTaskId: aws.String(audit)},
		AuditCheckToActionsMapping: map[string][]string{expiringCheck: {"notify", "deactivate"}}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-published: // the first finding is being published
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was published")
	}
	if _, err := c.CancelAuditMitigationActionsTask(ctx(t), &awsiot.CancelAuditMitigationActionsTaskInput{TaskId: aws.String("stop-me")}); err != nil {
		t.Fatal(err)
	}
	release()

	wantEnded(t, waitMitigation(t, c, "stop-me"), types.AuditMitigationActionsTaskStatusCanceled, 2, 0, 0, 0, 2)
	for _, id := range certs {
		got, err := c.DescribeCertificate(ctx(t), &awsiot.DescribeCertificateInput{CertificateId: aws.String(id)})
		if err != nil || got.CertificateDescription.Status != types.CertificateStatusActive {
			t.Errorf("certificate %s…: %v, %v; the canceled task deactivated it", id[:8], got.CertificateDescription.Status, err)
		}
	}
	for _, finding := range findingsByCertificate(t, c, audit) {
		for _, x := range executionOutcomes(t, c, "stop-me", finding, "") {
			if x.Action == "deactivate" && x.Status != "CANCELED" {
				t.Errorf("execution %+v after the cancel, want CANCELED", x)
			}
		}
	}
	_, err := c.CancelAuditMitigationActionsTask(ctx(t), &awsiot.CancelAuditMitigationActionsTaskInput{TaskId: aws.String("stop-me")})
	wantErr[*types.InvalidRequestException](t, err)
}
