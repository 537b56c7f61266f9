package mitigation

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// The semantics of a task: order, skips, statistics, final status, cancel,
// idempotent start and limits.

// semanticsFixture stores an audit of the expiring check with: a finding on an
// active certificate attached to a thing, one on a revoked certificate, and
// a suppressed one; and a finding of the logging check, which no task maps.
type semanticsFixture struct {
	ok, revoked, suppressed, unmapped iot.AuditFinding
	okCert, revokedCert               string
}

func newSemanticsFixture(e *testEnv) semanticsFixture {
	var s semanticsFixture
	e.group("quarantine", "")
	s.okCert, s.revokedCert = e.certificate(1, iot.CertificateActive), e.certificate(2, iot.CertificateRevoked)
	suppressedCert := e.certificate(3, iot.CertificateActive)
	e.thing("lamp", s.okCert)
	e.audit(auditID, expiringCheck, loggingCheck)
	s.ok = e.finding(auditID, expiringCheck, "CERTIFICATE_APPROACHING_EXPIRATION", deviceResource(s.okCert))
	s.revoked = e.finding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(s.revokedCert))
	s.suppressed = e.suppressedFinding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(suppressedCert))
	s.unmapped = e.finding(auditID, loggingCheck, "LOGGING_DISABLED",
		iot.AuditResource{Type: "ACCOUNT_SETTINGS", Identifier: iot.ResourceIdentifier{Account: testAccount}})
	e.action("deactivate", deactivateDevice)
	e.action("isolate", addToGroups("quarantine"))
	e.action("notify", publishToTopic)
	return s
}

// TestTaskSemantics runs the same task with an action that publishes (the
// findings go one at a time) and without (they go in passes, see
// progress_batch.go): the outcome is the same.
func TestTaskSemantics(t *testing.T) {
	for _, tc := range []struct {
		name    string
		actions []string
	}{
		{"one finding at a time", []string{"deactivate", "isolate", "notify"}},
		{"in passes", []string{"deactivate", "isolate"}},
	} {
		t.Run(tc.name, func(t *testing.T) { testTaskSemantics(t, tc.actions) })
	}
}

func testTaskSemantics(t *testing.T, actions []string) {
	e := newTestEnv(t, 2)
	s := newSemanticsFixture(e)

	task := e.run("semantics", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{expiringCheck: actions})

	if task.Status != iot.MitigationTaskFailed || task.EndTime.IsZero() {
		t.Errorf("task %s, end %v; want FAILED (an action failed) with an end time", task.Status, task.EndTime)
	}
	wantCounts(t, task, map[string]iot.MitigationFindingCounts{expiringCheck: {Total: 3, Succeeded: 1, Failed: 1, Skipped: 1}})
	all := func(first iot.MitigationExecutionStatus, code string, rest iot.MitigationExecutionStatus) []outcome {
		out := []outcome{{actions[0], first, code}}
		for _, a := range actions[1:] {
			out = append(out, outcome{a, rest, ""})
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		finding string
		want    []outcome
	}{
		{"in mapping order", s.ok.ID, all(iot.ExecutionCompleted, "", iot.ExecutionCompleted)},
		{"skipped after a failure", s.revoked.ID, all(iot.ExecutionFailed, iot.ExecutionErrorInvalidState, iot.ExecutionSkipped)},
		{"suppressed", s.suppressed.ID, all(iot.ExecutionSkipped, "", iot.ExecutionSkipped)},
		{"check not mapped", s.unmapped.ID, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, e.outcomes("semantics", tc.finding)); diff != "" {
				t.Errorf("executions (-want +got):\n%s", diff)
			}
		})
	}
	if got := e.certificateStatus(s.okCert); got != iot.CertificateInactive {
		t.Errorf("certificate of the first finding is %s", got)
	}
	if diff := cmp.Diff([]string{"quarantine"}, e.groupsOf("lamp")); diff != "" {
		t.Errorf("groups of the thing (-want +got):\n%s", diff)
	}
	if n, want := len(e.pub.published()), len(actions)-2; n != want {
		t.Errorf("%d findings published, want %d", n, want)
	}
	for _, x := range e.executions("semantics", s.suppressed.ID) {
		if x.Message == "" {
			t.Errorf("skipped execution %+v says not why", x)
		}
	}
}

func TestReasonCodeFilter(t *testing.T) {
	e := newTestEnv(t, 10)
	s := newSemanticsFixture(e)
	target := iot.MitigationTaskTarget{AuditTaskID: auditID,
		ReasonCodeFilter: map[string][]string{expiringCheck: {"CERTIFICATE_APPROACHING_EXPIRATION"}}}

	task := e.run("filtered", target, map[string][]string{expiringCheck: {"deactivate"}})

	if task.Status != iot.MitigationTaskCompleted {
		t.Errorf("task %s, want COMPLETED: the failing finding was left out", task.Status)
	}
	wantCounts(t, task, map[string]iot.MitigationFindingCounts{expiringCheck: {Total: 3, Succeeded: 1, Skipped: 2}})
	if got := e.outcomes("filtered", s.revoked.ID); !cmp.Equal(got, []outcome{{"deactivate", iot.ExecutionSkipped, ""}}) {
		t.Errorf("filtered finding: %+v", got)
	}
	if got := e.certificateStatus(s.okCert); got != iot.CertificateInactive {
		t.Errorf("certificate of the selected finding is %s", got)
	}
}

func TestCancelTask(t *testing.T) {
	e := newTestEnv(t, 1)
	certs := []string{e.certificate(1, iot.CertificateActive), e.certificate(2, iot.CertificateActive), e.certificate(3, iot.CertificateActive)}
	e.audit(auditID, expiringCheck)
	var findings []iot.AuditFinding
	for _, c := range certs {
		findings = append(findings, e.finding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(c)))
	}
	e.action("deactivate", deactivateDevice)
	e.action("notify", publishToTopic)
	release := e.pub.holdAfter(0)
	ctx := context.Background()
	if _, err := e.StartAuditMitigationActionsTask(ctx, testAccount, StartTaskRequest{TaskID: "cancel-me",
		Target: iot.MitigationTaskTarget{AuditTaskID: auditID}, Mapping: map[string][]string{expiringCheck: {"deactivate", "notify"}},
		ClientRequestToken: "t"}); err != nil {
		t.Fatal(err)
	}
	e.pub.waitBlocked(t) // the first finding is being published
	if err := e.CancelAuditMitigationActionsTask(ctx, testAccount, "cancel-me"); err != nil {
		t.Fatal(err)
	}
	release()
	task := e.wait("cancel-me")
	e.Engine.Close() // the in-flight publication has been recorded

	if task.Status != iot.MitigationTaskCanceled || task.EndTime.IsZero() {
		t.Errorf("task %s, end %v; want CANCELED with an end time", task.Status, task.EndTime)
	}
	wantCounts(t, task, map[string]iot.MitigationFindingCounts{expiringCheck: {Total: 3, Canceled: 3}})
	want := map[string][]outcome{
		findings[0].ID: {{"deactivate", iot.ExecutionCompleted, ""}, {"notify", iot.ExecutionCompleted, ""}},
		findings[1].ID: {{"deactivate", iot.ExecutionCanceled, ""}, {"notify", iot.ExecutionCanceled, ""}},
	}
	for id, w := range want {
		if diff := cmp.Diff(w, e.outcomes("cancel-me", id)); diff != "" {
			t.Errorf("executions on %s (-want +got):\n%s", id, diff)
		}
	}
	for i, want := range []iot.CertificateStatus{iot.CertificateInactive, iot.CertificateActive, iot.CertificateActive} {
		if got := e.certificateStatus(certs[i]); got != want {
			t.Errorf("certificate %d is %s, want %s: applied actions stay, the others do not run", i, got, want)
		}
	}
	for _, tc := range []struct {
		id   string
		kind iot.Kind
	}{{"cancel-me", iot.InvalidRequest}, {"unknown", iot.NotFound}} {
		if err := e.CancelAuditMitigationActionsTask(ctx, testAccount, tc.id); !errors.Is(err, tc.kind) {
			t.Errorf("cancel %s: %v, want %s", tc.id, err, tc.kind)
		}
	}
}

func TestStartIsIdempotent(t *testing.T) {
	e := newTestEnv(t, 10)
	e.certificate(1, iot.CertificateActive)
	e.audit(auditID, expiringCheck)
	f := e.finding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(fmt.Sprintf("%064x", 1)))
	e.action("notify", publishToTopic)
	ctx := context.Background()
	req := StartTaskRequest{TaskID: "once", Target: iot.MitigationTaskTarget{FindingIDs: []string{f.ID}},
		Mapping: map[string][]string{expiringCheck: {"notify"}}, ClientRequestToken: "token-1"}
	for range 2 {
		id, err := e.StartAuditMitigationActionsTask(ctx, testAccount, req)
		if err != nil || id != "once" {
			t.Fatalf("start = %q, %v", id, err)
		}
	}
	e.wait("once")
	if n := e.pub.callCount(); n != 1 {
		t.Errorf("the finding was published %d times, want once", n)
	}
	req.ClientRequestToken = "token-2"
	if _, err := e.StartAuditMitigationActionsTask(ctx, testAccount, req); !errors.Is(err, iot.TaskAlreadyExists) {
		t.Errorf("same task id, another token: %v, want TaskAlreadyExists", err)
	}
	// The other account sees neither the task nor its findings and actions.
	if _, err := e.StartAuditMitigationActionsTask(ctx, otherAccount, req); !errors.Is(err, iot.InvalidRequest) {
		t.Errorf("the other account sees this account's actions or findings: %v", err)
	}
}

func TestInProgressLimit(t *testing.T) {
	e := newTestEnv(t, 10)
	e.audit(auditID, loggingCheck)
	e.finding(auditID, loggingCheck, "LOGGING_DISABLED", iot.AuditResource{Type: "ACCOUNT_SETTINGS", Identifier: iot.ResourceIdentifier{Account: testAccount}})
	e.action("notify", publishToTopic)
	release := e.pub.holdAfter(0)
	ctx := context.Background()
	start := func(n int) error {
		_, err := e.StartAuditMitigationActionsTask(ctx, testAccount, StartTaskRequest{TaskID: fmt.Sprintf("task-%d", n),
			Target: iot.MitigationTaskTarget{AuditTaskID: auditID}, Mapping: map[string][]string{loggingCheck: {"notify"}},
			ClientRequestToken: "t"})
		return err
	}
	for n := range MaxInProgressTasks {
		if err := start(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := start(MaxInProgressTasks); !errors.Is(err, iot.LimitExceeded) {
		t.Errorf("task beyond the limit: %v, want LimitExceeded", err)
	}
	release()
	for n := range MaxInProgressTasks {
		e.wait(fmt.Sprintf("task-%d", n))
	}
	if err := start(MaxInProgressTasks); err != nil {
		t.Errorf("task once the others ended: %v", err)
	}
}

func TestStartRefusals(t *testing.T) {
	e := newTestEnv(t, 10)
	e.certificate(1, iot.CertificateActive)
	e.audit(auditID, expiringCheck)
	e.update(func(tx store.Tx) error {
		return tx.PutAuditTask(context.Background(), iot.AuditTask{ID: "running", Type: iot.OnDemandAuditTask,
			Status: iot.AuditTaskInProgress, StartTime: t0})
	})
	f := e.finding(auditID, expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(fmt.Sprintf("%064x", 1)))
	e.action("deactivate", deactivateDevice)
	e.action("blank", blankPolicy)
	audit := iot.MitigationTaskTarget{AuditTaskID: auditID}
	mapping := map[string][]string{expiringCheck: {"deactivate"}}
	var many []string
	for i := range 26 {
		many = append(many, fmt.Sprintf("finding-%d", i))
	}
	for _, tc := range []struct {
		name    string
		target  iot.MitigationTaskTarget
		mapping map[string][]string
	}{
		{"unknown action", audit, map[string][]string{expiringCheck: {"missing"}}},
		{"action type the check does not allow", audit, map[string][]string{expiringCheck: {"blank"}}},
		{"action named twice", audit, map[string][]string{expiringCheck: {"deactivate", "deactivate"}}},
		{"six actions", audit, map[string][]string{expiringCheck: {"a", "b", "c", "d", "e", "f"}}},
		{"no action", audit, map[string][]string{expiringCheck: {}}},
		{"no mapping", audit, nil},
		{"unknown check", audit, map[string][]string{"NO_SUCH_CHECK": {"deactivate"}}},
		{"both target forms", iot.MitigationTaskTarget{AuditTaskID: auditID, FindingIDs: []string{f.ID}}, mapping},
		{"no target", iot.MitigationTaskTarget{}, mapping},
		{"26 findings", iot.MitigationTaskTarget{FindingIDs: many}, mapping},
		{"empty finding list", iot.MitigationTaskTarget{FindingIDs: []string{}}, mapping},
		{"unknown finding", iot.MitigationTaskTarget{FindingIDs: []string{"missing"}}, mapping},
		{"reason code filter without audit", iot.MitigationTaskTarget{FindingIDs: []string{f.ID},
			ReasonCodeFilter: map[string][]string{expiringCheck: {"CERTIFICATE_PAST_EXPIRATION"}}}, mapping},
		{"reason code the check does not declare", iot.MitigationTaskTarget{AuditTaskID: auditID,
			ReasonCodeFilter: map[string][]string{expiringCheck: {"LOGGING_DISABLED"}}}, mapping},
		{"reason code filter of an unknown check", iot.MitigationTaskTarget{AuditTaskID: auditID,
			ReasonCodeFilter: map[string][]string{"NO_SUCH_CHECK": {"X"}}}, mapping},
		{"unknown audit", iot.MitigationTaskTarget{AuditTaskID: "missing"}, mapping},
		{"audit in progress", iot.MitigationTaskTarget{AuditTaskID: "running"}, mapping},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.StartAuditMitigationActionsTask(context.Background(), testAccount,
				StartTaskRequest{TaskID: "refused", Target: tc.target, Mapping: tc.mapping, ClientRequestToken: "t"})
			if !errors.Is(err, iot.InvalidRequest) {
				t.Fatalf("start: %v, want InvalidRequest", err)
			}
			if _, err := e.DescribeAuditMitigationActionsTask(context.Background(), testAccount, "refused"); !errors.Is(err, iot.NotFound) {
				t.Errorf("a refused start left a task: %v", err)
			}
		})
	}
	if got := e.certificateStatus(fmt.Sprintf("%064x", 1)); got != iot.CertificateActive {
		t.Errorf("a refused start changed the registry: certificate %s", got)
	}
}
