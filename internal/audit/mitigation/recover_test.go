package mitigation

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// Tasks interrupted by a stop of the process end consistently, and never
// apply an action twice to a finding.

// policyFixture stores an audit with one permissive-policy finding per
// policy and the actions "blank" and "notify".
func policyFixture(e *testEnv, policies ...string) []iot.AuditFinding {
	e.audit(auditID, permissiveCheck)
	var findings []iot.AuditFinding
	for _, name := range policies {
		e.policy(name, 1)
		findings = append(findings, e.finding(auditID, permissiveCheck, "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS", policyResource(name)))
	}
	e.action("blank", blankPolicy)
	e.action("notify", publishToTopic)
	return findings
}

func (e *testEnv) versionCount(policy string) int {
	versions, err := e.reg.ListPolicyVersions(context.Background(), testAccount, policy)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(versions)
}

func (e *testEnv) startTask(id string, mapping map[string][]string) {
	e.t.Helper()
	if _, err := e.StartAuditMitigationActionsTask(context.Background(), testAccount, StartTaskRequest{TaskID: id,
		Target: iot.MitigationTaskTarget{AuditTaskID: auditID}, Mapping: mapping, ClientRequestToken: "t"}); err != nil {
		e.t.Fatal(err)
	}
}

func TestCrashDuringPublication(t *testing.T) {
	e := newTestEnv(t, 1)
	findings := policyFixture(e, "p1", "p2", "p3")
	release := e.pub.holdAfter(1) // the second finding's publication is under way when the process dies
	e.startTask("crash", map[string][]string{permissiveCheck: {"blank", "notify"}})
	e.pub.waitBlocked(t)

	e.crash(release)
	task := e.wait("crash")

	if task.Status != iot.MitigationTaskFailed || task.Resumes != 1 {
		t.Errorf("task %s after %d resumes; want FAILED after 1: the interrupted publication failed", task.Status, task.Resumes)
	}
	wantCounts(t, task, map[string]iot.MitigationFindingCounts{permissiveCheck: {Total: 3, Succeeded: 2, Failed: 1}})
	for _, p := range []string{"p1", "p2", "p3"} {
		if n := e.versionCount(p); n != 2 {
			t.Errorf("policy %s has %d versions, want 2: the blank version was created once", p, n)
		}
	}
	if calls, sent := e.pub.callCount(), len(e.pub.published()); calls != 3 || sent != 3 {
		t.Errorf("%d publications attempted, %d made; want 3 and 3: the interrupted one is not repeated", calls, sent)
	}
	want := []outcome{{"blank", iot.ExecutionCompleted, ""}, {"notify", iot.ExecutionFailed, iot.ExecutionErrorInvalidState}}
	if diff := cmp.Diff(want, e.outcomes("crash", findings[1].ID)); diff != "" {
		t.Errorf("executions on the interrupted finding (-want +got):\n%s", diff)
	}
	if x := e.executions("crash", findings[1].ID)[1]; x.Message != interruptedMessage {
		t.Errorf("interrupted execution says %q", x.Message)
	}
	for _, f := range []iot.AuditFinding{findings[0], findings[2]} {
		want := []outcome{{"blank", iot.ExecutionCompleted, ""}, {"notify", iot.ExecutionCompleted, ""}}
		if diff := cmp.Diff(want, e.outcomes("crash", f.ID)); diff != "" {
			t.Errorf("executions on %s (-want +got):\n%s", f.ID, diff)
		}
	}
}

func TestCloseDuringPublication(t *testing.T) {
	e := newTestEnv(t, 1)
	policyFixture(e, "p1", "p2", "p3")
	release := e.pub.holdAfter(1)
	e.startTask("closed", map[string][]string{permissiveCheck: {"blank", "notify"}})
	e.pub.waitBlocked(t)

	go release() // the publication ends while the engine closes
	e.Engine.Close()
	e.start()
	task := e.wait("closed")

	if task.Status != iot.MitigationTaskCompleted {
		t.Errorf("task %s, want COMPLETED: a stop lets the publication under way end and records it", task.Status)
	}
	wantCounts(t, task, map[string]iot.MitigationFindingCounts{permissiveCheck: {Total: 3, Succeeded: 3}})
	if calls := e.pub.callCount(); calls != 3 {
		t.Errorf("%d publications, want 3", calls)
	}
	for _, p := range []string{"p1", "p2", "p3"} {
		if n := e.versionCount(p); n != 2 {
			t.Errorf("policy %s has %d versions, want 2", p, n)
		}
	}
}

func TestTooManyResumes(t *testing.T) {
	e := newTestEnv(t, 10)
	findings := policyFixture(e, "p1", "p2")
	e.Engine.Close()
	e.update(func(tx store.Tx) error {
		ctx := context.Background()
		err := tx.PutMitigationTask(ctx, iot.MitigationTask{ID: "doomed", Status: iot.MitigationTaskInProgress, StartTime: t0,
			ClientRequestToken: "t", Target: iot.MitigationTaskTarget{AuditTaskID: auditID},
			Mapping: map[string][]string{permissiveCheck: {"notify"}}, Resumes: maxResumes,
			Statistics: map[string]iot.MitigationFindingCounts{permissiveCheck: {Total: 2}}})
		if err != nil {
			return err
		}
		return tx.PutMitigationExecutions(ctx, []iot.MitigationExecution{{TaskID: "doomed", FindingID: findings[0].ID,
			ActionName: "notify", Status: iot.ExecutionInProgress, StartTime: t0}})
	})

	e.start()
	task := e.wait("doomed")

	if task.Status != iot.MitigationTaskFailed || task.EndTime.IsZero() {
		t.Errorf("task %s, end %v; want FAILED with an end time", task.Status, task.EndTime)
	}
	wantCounts(t, task, map[string]iot.MitigationFindingCounts{permissiveCheck: {Total: 2, Canceled: 2}})
	want := []outcome{{"notify", iot.ExecutionFailed, iot.ExecutionErrorInvalidState}}
	if diff := cmp.Diff(want, e.outcomes("doomed", findings[0].ID)); diff != "" {
		t.Errorf("executions (-want +got):\n%s", diff)
	}
	if n := e.pub.callCount(); n != 0 {
		t.Errorf("%d publications by a task that was not resumed", n)
	}
	if got := e.outcomes("doomed", findings[1].ID); !cmp.Equal(got, []outcome{{"notify", iot.ExecutionCanceled, ""}}) {
		t.Errorf("executions on the finding never reached: %+v", got)
	}
}
