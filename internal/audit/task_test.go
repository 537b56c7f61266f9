package audit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

func TestOnDemandAuditAllCompliant(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, caCheck, certCheck, policyCheck)
	e.eval.set(certCheck, examine(6))
	d := e.audit(caCheck, certCheck, policyCheck)

	want := TaskDetails{
		AuditTask: iot.AuditTask{ID: fmt.Sprintf("%032x", 1), Type: iot.OnDemandAuditTask, Status: iot.AuditTaskCompleted,
			StartTime: t0, EndTime: t0},
		Checks: []iot.AuditCheckResult{
			{CheckName: caCheck, Status: iot.CheckCompliant},
			{CheckName: certCheck, Status: iot.CheckCompliant, TotalResources: 6, Config: map[string]int64{thresholdKey: 30}},
			{CheckName: policyCheck, Status: iot.CheckCompliant},
		},
		Statistics: TaskStatistics{Total: 3, Compliant: 3},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("DescribeAuditTask (-want +got):\n%s", diff)
	}
}

func TestOnDemandAuditFindingsAndCounts(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, certCheck, caCheck)
	related := make([]check.Resource, 12)
	for i := range related {
		related[i] = clientRelated(i)
	}
	// Seven findings on five resources; "aa" has two reasons, "ab" is reported
	// twice for the same reason (one finding), and "dd" is suppressed.
	e.eval.set(certCheck, examine(100,
		certFinding("aa", "R1", related...), certFinding("aa", "R2"), certFinding("ab", "R1"), certFinding("AB", "R1"),
		certFinding("bb", "R1"), certFinding("cc", "R2"), certFinding("dd", "R1")))
	// Every finding of the CA check is suppressed: the check stays compliant.
	e.eval.set(caCheck, examine(2, check.Finding{Resource: check.Resource{Type: check.CACertificate,
		Identifier: iot.ResourceIdentifier{CACertificateID: "ca1"}}, ReasonCode: "R1", Reason: "expired"}))
	ctx := context.Background()
	for _, s := range []SuppressionRequest{
		{CheckName: certCheck, Resource: iot.ResourceIdentifier{DeviceCertificateID: "DD"}, Indefinitely: ptr(true), ClientRequestToken: "t1"},
		{CheckName: caCheck, Resource: iot.ResourceIdentifier{CACertificateID: "ca1"}, Expiration: ptr(t0.Add(time.Hour)), ClientRequestToken: "t2"},
		// Expired by the time the audit runs: it no longer applies.
		{CheckName: certCheck, Resource: iot.ResourceIdentifier{DeviceCertificateID: "cc"}, Expiration: ptr(t0.Add(time.Minute)), ClientRequestToken: "t3"},
	} {
		if err := e.CreateAuditSuppression(ctx, testAccount, s); err != nil {
			t.Fatal(err)
		}
	}
	e.clock.Advance(2 * time.Minute)
	d := e.audit(certCheck, caCheck)

	wantChecks := []iot.AuditCheckResult{
		{CheckName: caCheck, Status: iot.CheckCompliant, TotalResources: 2, NonCompliantResources: 1, SuppressedResources: 1},
		{CheckName: certCheck, Status: iot.CheckNonCompliant, TotalResources: 100, NonCompliantResources: 5,
			SuppressedResources: 1, Config: map[string]int64{thresholdKey: 30}},
	}
	if diff := cmp.Diff(wantChecks, d.Checks); diff != "" {
		t.Errorf("check results (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(TaskStatistics{Total: 2, Compliant: 1, NonCompliant: 1}, d.Statistics); diff != "" {
		t.Errorf("statistics (-want +got):\n%s", diff)
	}
	if d.Status != iot.AuditTaskCompleted {
		t.Errorf("task status %s, want COMPLETED even with a non-compliant check", d.Status)
	}

	findings := e.findings(d.ID)
	type row struct {
		Check, Resource, Reason, Severity string
		Suppressed                        bool
		Related                           int
	}
	var got []row
	for _, f := range findings {
		got = append(got, row{f.CheckName, f.Resource.Identifier.Key(), f.ReasonCode, f.Severity, f.Suppressed, len(f.Related)})
		if f.TaskID != d.ID || !f.TaskStartTime.Equal(d.StartTime) || !f.FindingTime.Equal(e.clock.Now()) || f.ID == "" {
			t.Errorf("finding %+v: wrong task, times or id", f)
		}
	}
	want := []row{
		{caCheck, "caCertificateId=ca1", "R1", "CRITICAL", true, 0},
		{certCheck, "deviceCertificateId=aa", "R1", "MEDIUM", false, maxRelatedInFinding},
		{certCheck, "deviceCertificateId=aa", "R2", "MEDIUM", false, 0},
		{certCheck, "deviceCertificateId=ab", "R1", "MEDIUM", false, 0},
		{certCheck, "deviceCertificateId=bb", "R1", "MEDIUM", false, 0},
		{certCheck, "deviceCertificateId=cc", "R2", "MEDIUM", false, 0},
		{certCheck, "deviceCertificateId=dd", "R1", "MEDIUM", true, 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(related[0], check.Resource{Type: check.ResourceType(findings[1].Related[0].Type),
		Identifier: findings[1].Related[0].Identifier, AdditionalInfo: findings[1].Related[0].AdditionalInfo}); diff != "" {
		t.Errorf("first related resource (-want +got):\n%s", diff)
	}
}

func TestFailedChecks(t *testing.T) {
	for _, tc := range []struct {
		name       string
		setup      func(e *testEngine)
		checks     []string
		wantTask   iot.AuditTaskStatus
		wantChecks []iot.AuditCheckResult
	}{
		{
			name: "a check's error fails the check, not the task",
			setup: func(e *testEngine) {
				e.eval.set(caCheck, func(ctx context.Context, r check.Run) error {
					r.Report.NonCompliant(certFinding("aa", "R1"))
					return errors.New("the CRL of ca1 is unreadable")
				})
			},
			checks:   []string{caCheck, policyCheck},
			wantTask: iot.AuditTaskCompleted,
			wantChecks: []iot.AuditCheckResult{
				{CheckName: caCheck, Status: iot.CheckFailed, Message: "the CRL of ca1 is unreadable"},
				{CheckName: policyCheck, Status: iot.CheckCompliant},
			},
		},
		{
			name:     "an unsupported check is FAILED with its message",
			checks:   []string{missingCheck, policyCheck},
			wantTask: iot.AuditTaskCompleted,
			wantChecks: []iot.AuditCheckResult{
				{CheckName: policyCheck, Status: iot.CheckCompliant},
				{CheckName: missingCheck, Status: iot.CheckFailed, Message: unsupportedBy},
			},
		},
		{
			name:     "an evaluation that fails fails the task and its unfinished checks",
			setup:    func(e *testEngine) { e.eval.err = errors.New("the snapshot could not be read") },
			checks:   []string{caCheck, policyCheck},
			wantTask: iot.AuditTaskFailed,
			wantChecks: []iot.AuditCheckResult{
				{CheckName: caCheck, Status: iot.CheckFailed, Message: "the snapshot could not be read"},
				{CheckName: policyCheck, Status: iot.CheckFailed, Message: "the snapshot could not be read"},
			},
		},
		{
			name:     "a panicking evaluation fails the task",
			setup:    func(e *testEngine) { e.eval.panic = true },
			checks:   []string{caCheck},
			wantTask: iot.AuditTaskFailed,
			wantChecks: []iot.AuditCheckResult{
				{CheckName: caCheck, Status: iot.CheckFailed, Message: "the audit stopped on an internal error"},
			},
		},
		{
			name: "a check's message is kept on completion",
			setup: func(e *testEngine) {
				e.eval.set(caCheck, func(ctx context.Context, r check.Run) error {
					r.Report.Evaluated(3)
					r.Report.Message(strings.Repeat("x", 3000))
					return nil
				})
			},
			checks:   []string{caCheck},
			wantTask: iot.AuditTaskCompleted,
			wantChecks: []iot.AuditCheckResult{
				{CheckName: caCheck, Status: iot.CheckCompliant, TotalResources: 3, Message: strings.Repeat("x", maxMessage)},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t)
			e.enable(testAccount, caCheck, policyCheck, missingCheck)
			if tc.setup != nil {
				tc.setup(e)
			}
			d := e.audit(tc.checks...)
			if d.Status != tc.wantTask {
				t.Errorf("task status %s, want %s", d.Status, tc.wantTask)
			}
			if diff := cmp.Diff(tc.wantChecks, d.Checks); diff != "" {
				t.Errorf("checks (-want +got):\n%s", diff)
			}
			if got := e.findings(d.ID); len(got) != 0 {
				t.Errorf("findings of failed checks are listed: %v", got)
			}
		})
	}
}

func TestStartOnDemandAuditTaskErrors(t *testing.T) {
	e := newTestEngine(t)
	ctx := context.Background()
	if _, err := e.StartOnDemandAuditTask(ctx, testAccount, []string{caCheck}); !errors.Is(err, iot.InvalidRequest) ||
		!strings.Contains(err.Error(), caCheck) {
		t.Errorf("audit of an unconfigured account: %v, want InvalidRequest naming the check", err)
	}
	e.enable(testAccount, caCheck)
	for _, tc := range []struct {
		name   string
		checks []string
		want   string
	}{
		{"no check", nil, "at least one"},
		{"unknown check", []string{caCheck, "NO_SUCH_CHECK"}, "NO_SUCH_CHECK"},
		{"former name", []string{formerName}, currentName},
		{"disabled check", []string{caCheck, policyCheck}, policyCheck},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.StartOnDemandAuditTask(ctx, testAccount, tc.checks)
			wantKind(t, err, iot.InvalidRequest)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message %q does not mention %q", err, tc.want)
			}
		})
	}
	// The other account's configuration is its own.
	_, err := e.StartOnDemandAuditTask(ctx, otherAccount, []string{caCheck})
	wantKind(t, err, iot.InvalidRequest)
}

func TestOnDemandLimit(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, caCheck)
	e.enable(otherAccount, caCheck)
	release := make(chan struct{})
	e.eval.set(caCheck, func(ctx context.Context, r check.Run) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return nil
	})
	ctx := context.Background()
	var ids []string
	for range MaxOnDemandInProgress {
		id, err := e.StartOnDemandAuditTask(ctx, testAccount, []string{caCheck})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	_, err := e.StartOnDemandAuditTask(ctx, testAccount, []string{caCheck})
	wantKind(t, err, iot.LimitExceeded)
	if _, err := e.StartOnDemandAuditTask(ctx, otherAccount, []string{caCheck}); err != nil {
		t.Errorf("the limit is per account: %v", err)
	}
	if err := e.CancelAuditTask(ctx, testAccount, ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := e.StartOnDemandAuditTask(ctx, testAccount, []string{caCheck}); err != nil {
		t.Errorf("after a cancel: %v", err)
	}
	close(release)
	e.wait()
}

func TestRunEnvironment(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, certCheck, sharedCheck, clientIDCheck)
	ctx := context.Background()
	err := e.UpdateAccountAuditConfiguration(ctx, testAccount, ConfigurationUpdate{Checks: map[string]CheckUpdate{
		certCheck: {Enabled: true, Config: map[string]string{thresholdKey: "90"}}}})
	if err != nil {
		t.Fatal(err)
	}
	e.audit(certCheck, sharedCheck, clientIDCheck)
	day := 24 * time.Hour
	want := map[string]check.Env{
		certCheck: {Account: testAccount, Region: "eu-west-1", Start: t0, Config: map[string]int64{thresholdKey: 90},
			Window: check.Window{From: t0.Add(-31 * day), To: t0}},
		sharedCheck: {Account: testAccount, Region: "eu-west-1", Start: t0,
			Window: check.Window{From: t0.Add(-31 * day), To: t0.Add(-2 * time.Hour)}},
		clientIDCheck: {Account: testAccount, Region: "eu-west-1", Start: t0,
			Window: check.Window{From: t0.Add(-31 * day), To: t0}},
	}
	for name, env := range want {
		if diff := cmp.Diff([]check.Env{env}, e.eval.env(name)); diff != "" {
			t.Errorf("%s env (-want +got):\n%s", name, diff)
		}
	}
}

func TestFindingsInvisibleUntilCheckCompletes(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, certCheck)
	reached, release := make(chan struct{}), make(chan struct{})
	var findings []check.Finding
	for i := range 10 { // more than three batches of three
		findings = append(findings, certFinding(fmt.Sprintf("c%02d", i), "R1"))
	}
	e.eval.set(certCheck, blockAfter(reached, release, 10, findings...))
	ctx := context.Background()
	id, err := e.StartOnDemandAuditTask(ctx, testAccount, []string{certCheck})
	if err != nil {
		t.Fatal(err)
	}
	<-reached
	if got := e.findings(id); len(got) != 0 {
		t.Errorf("%d findings visible while the check runs", len(got))
	}
	if d := e.describe(id); d.Status != iot.AuditTaskInProgress || d.Statistics != (TaskStatistics{Total: 1, InProgress: 1}) {
		t.Errorf("running task = %s %+v", d.Status, d.Statistics)
	}
	close(release)
	e.wait()
	if got := e.findings(id); len(got) != 10 {
		t.Errorf("%d findings after completion, want 10", len(got))
	}
}

func TestCancelAuditTask(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, caCheck, certCheck, policyCheck)
	reached := make(chan struct{})
	e.eval.set(caCheck, examine(1, certFinding("aa", "R1")))
	e.eval.set(certCheck, blockAfter(reached, make(chan struct{}), 5, certFinding("bb", "R1"), certFinding("cc", "R1"),
		certFinding("dd", "R1"), certFinding("ee", "R1")))
	ctx := context.Background()
	id, err := e.StartOnDemandAuditTask(ctx, testAccount, []string{caCheck, certCheck, policyCheck})
	if err != nil {
		t.Fatal(err)
	}
	<-reached
	e.clock.Advance(time.Second)
	wantKind(t, e.CancelAuditTask(ctx, otherAccount, id), iot.NotFound)
	if err := e.CancelAuditTask(ctx, testAccount, id); err != nil {
		t.Fatal(err)
	}
	e.wait()
	d := e.describe(id)
	want := []iot.AuditCheckResult{
		{CheckName: caCheck, Status: iot.CheckNonCompliant, TotalResources: 1, NonCompliantResources: 1},
		{CheckName: certCheck, Status: iot.CheckCanceled, Config: map[string]int64{thresholdKey: 30}},
		{CheckName: policyCheck, Status: iot.CheckCanceled},
	}
	if diff := cmp.Diff(want, d.Checks); diff != "" {
		t.Errorf("checks (-want +got):\n%s", diff)
	}
	if d.Status != iot.AuditTaskCanceled || !d.EndTime.Equal(t0.Add(time.Second)) {
		t.Errorf("task = %s ended %v, want CANCELED at t0+1s", d.Status, d.EndTime)
	}
	if diff := cmp.Diff(TaskStatistics{Total: 3, NonCompliant: 1, Canceled: 2}, d.Statistics); diff != "" {
		t.Errorf("statistics (-want +got):\n%s", diff)
	}
	got := e.findings(id)
	if len(got) != 1 || got[0].CheckName != caCheck {
		t.Errorf("findings after cancel = %v, want only the finished check's", got)
	}
	if n, _, err := e.countFindings(id, certCheck); err != nil || n != 0 {
		t.Errorf("the canceled check left %d findings in the store (%v)", n, err)
	}
	wantKind(t, e.CancelAuditTask(ctx, testAccount, id), iot.InvalidRequest)
	wantKind(t, e.CancelAuditTask(ctx, testAccount, "0123"), iot.NotFound)
}

func TestListAuditTasks(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, caCheck)
	e.enable(otherAccount, caCheck)
	ctx := context.Background()
	var ids []string
	for i := range 5 {
		ids = append(ids, e.audit(caCheck).ID)
		if i == 2 {
			if _, err := e.StartOnDemandAuditTask(ctx, otherAccount, []string{caCheck}); err != nil {
				t.Fatal(err)
			}
			e.wait()
		}
		e.clock.Advance(time.Hour)
	}
	// A failed one, at t0+5h.
	e.eval.err = errors.New("broken")
	failed := e.audit(caCheck).ID
	now := e.clock.Now()

	list := func(req ListTasksRequest) []string {
		t.Helper()
		var got []string
		for {
			page, next, err := e.ListAuditTasks(ctx, testAccount, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, task := range page {
				got = append(got, task.ID)
			}
			if next == "" {
				return got
			}
			req.NextToken = next
		}
	}
	for _, tc := range []struct {
		name string
		req  ListTasksRequest
		want []string
	}{
		{"all, newest first", ListTasksRequest{From: t0, To: now}, []string{failed, ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"paged by two", ListTasksRequest{From: t0, To: now, ListRequest: ListRequest{MaxResults: 2}}, []string{failed, ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"window", ListTasksRequest{From: t0.Add(time.Hour), To: t0.Add(3 * time.Hour)}, []string{ids[3], ids[2], ids[1]}},
		{"by status", ListTasksRequest{From: t0, To: now, Status: iot.AuditTaskFailed}, []string{failed}},
		{"by type", ListTasksRequest{From: t0, To: now, Type: iot.ScheduledAuditTask}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, list(tc.req)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	_, next, err := e.ListAuditTasks(ctx, testAccount, ListTasksRequest{From: t0, To: now, ListRequest: ListRequest{MaxResults: 1}})
	if err != nil || next == "" {
		t.Fatalf("first page: next %q, %v", next, err)
	}
	for _, tc := range []struct {
		name string
		req  ListTasksRequest
	}{
		{"no window", ListTasksRequest{}},
		{"end before start", ListTasksRequest{From: now, To: t0}},
		{"start beyond retention", ListTasksRequest{From: now.Add(-Retention - time.Minute), To: now}},
		{"token of another listing", ListTasksRequest{From: t0, To: now, Status: iot.AuditTaskFailed, ListRequest: ListRequest{NextToken: next}}},
		{"forged token", ListTasksRequest{From: t0, To: now, ListRequest: ListRequest{NextToken: "abc"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.ListAuditTasks(ctx, testAccount, tc.req)
			wantKind(t, err, iot.InvalidRequest)
		})
	}
	if _, _, err := e.ListAuditTasks(ctx, otherAccount, ListTasksRequest{From: t0, To: now, ListRequest: ListRequest{NextToken: next}}); err == nil {
		t.Error("a token works for another account")
	}
	_, err = e.DescribeAuditTask(ctx, otherAccount, ids[0])
	wantKind(t, err, iot.NotFound)
}
