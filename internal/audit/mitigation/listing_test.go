package mitigation

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func (e *testEnv) listTasks(req ListTasksRequest) []string {
	e.t.Helper()
	var ids []string
	for _, task := range allPages(e.t, func(next string) ([]iot.MitigationTask, string, error) {
		req.MaxResults, req.NextToken = 2, next
		return e.ListAuditMitigationActionsTasks(context.Background(), testAccount, req)
	}) {
		ids = append(ids, task.ID)
	}
	return ids
}

func TestListTasks(t *testing.T) {
	e := newTestEnv(t, 10)
	s := newSemanticsFixture(e)
	e.audit("other-audit", expiringCheck)
	other := e.finding("other-audit", expiringCheck, "CERTIFICATE_PAST_EXPIRATION", deviceResource(s.okCert))
	e.run("first", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{expiringCheck: {"notify"}})
	e.clock.Advance(time.Minute)
	e.run("second", iot.MitigationTaskTarget{FindingIDs: []string{other.ID}}, map[string][]string{expiringCheck: {"notify"}})
	e.clock.Advance(time.Minute)
	e.run("third", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{loggingCheck: {"notify"}})
	e.clock.Advance(time.Minute)
	from, to := t0.Add(-time.Hour), t0.Add(time.Hour)

	for _, tc := range []struct {
		name string
		req  ListTasksRequest
		want []string
	}{
		{"window, newest first", ListTasksRequest{From: from, To: to}, []string{"third", "second", "first"}},
		{"window starting later", ListTasksRequest{From: t0.Add(30 * time.Second), To: to}, []string{"third", "second"}},
		{"status", ListTasksRequest{From: from, To: to, Status: iot.MitigationTaskFailed}, nil},
		{"audit task", ListTasksRequest{From: from, To: to, AuditTaskID: auditID}, []string{"third", "first"}},
		{"audit of a named finding", ListTasksRequest{From: from, To: to, AuditTaskID: "other-audit"}, []string{"second"}},
		{"finding of a mapped check", ListTasksRequest{From: from, To: to, FindingID: s.ok.ID}, []string{"first"}},
		{"finding of the other check", ListTasksRequest{From: from, To: to, FindingID: s.unmapped.ID}, []string{"third"}},
		{"named finding", ListTasksRequest{From: from, To: to, FindingID: other.ID}, []string{"second"}},
		{"unknown finding", ListTasksRequest{From: from, To: to, FindingID: "missing"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, e.listTasks(tc.req)); diff != "" {
				t.Errorf("tasks (-want +got):\n%s", diff)
			}
		})
	}
	for _, req := range []ListTasksRequest{
		{To: to},
		{From: from},
		{From: to, To: from},
		{From: e.clock.Now().Add(-Retention - time.Minute), To: to},
		{From: from, To: to, ListRequest: ListRequest{NextToken: "forged"}},
	} {
		if _, _, err := e.ListAuditMitigationActionsTasks(context.Background(), testAccount, req); !errors.Is(err, iot.InvalidRequest) {
			t.Errorf("list %+v: %v, want InvalidRequest", req, err)
		}
	}
	if page, _, err := e.ListAuditMitigationActionsTasks(context.Background(), otherAccount, ListTasksRequest{From: from, To: to}); err != nil || len(page) != 0 {
		t.Errorf("the other account lists %d tasks, %v", len(page), err)
	}
}

func TestListExecutions(t *testing.T) {
	e := newTestEnv(t, 10)
	s := newSemanticsFixture(e)
	release := e.pub.holdAfter(0)
	e.startTask("running", map[string][]string{expiringCheck: {"deactivate", "isolate", "notify"}})
	e.pub.waitBlocked(t)
	ctx := context.Background()

	pending := []outcome{{"deactivate", iot.ExecutionPending, ""}, {"isolate", iot.ExecutionPending, ""}, {"notify", iot.ExecutionPending, ""}}
	if diff := cmp.Diff(pending, e.outcomes("running", s.revoked.ID)); diff != "" {
		t.Errorf("executions not started (-want +got):\n%s", diff)
	}
	inProgress := []outcome{{"deactivate", iot.ExecutionCompleted, ""}, {"isolate", iot.ExecutionCompleted, ""}, {"notify", iot.ExecutionInProgress, ""}}
	if diff := cmp.Diff(inProgress, e.outcomes("running", s.ok.ID)); diff != "" {
		t.Errorf("executions of the finding being published (-want +got):\n%s", diff)
	}
	release()
	e.wait("running")

	completed, _, err := e.ListAuditMitigationActionsExecutions(ctx, testAccount, ListExecutionsRequest{TaskID: "running",
		FindingID: s.revoked.ID, Status: iot.ExecutionSkipped})
	if err != nil || len(completed) != 2 || completed[0].ActionName != "isolate" {
		t.Errorf("skipped executions: %+v, %v", completed, err)
	}
	for _, tc := range []struct {
		name              string
		account, task, id string
	}{
		{"unknown task", testAccount, "missing", s.ok.ID},
		{"finding the task does not cover", testAccount, "running", s.unmapped.ID},
		{"other account", otherAccount, "running", s.ok.ID},
	} {
		got, _, err := e.ListAuditMitigationActionsExecutions(ctx, tc.account, ListExecutionsRequest{TaskID: tc.task, FindingID: tc.id})
		if err != nil || len(got) != 0 {
			t.Errorf("%s: %+v, %v; want no executions", tc.name, got, err)
		}
	}
	for _, req := range []ListExecutionsRequest{{TaskID: "running"}, {FindingID: s.ok.ID},
		{TaskID: "running", FindingID: s.ok.ID, ListRequest: ListRequest{NextToken: "forged"}}} {
		if _, _, err := e.ListAuditMitigationActionsExecutions(ctx, testAccount, req); !errors.Is(err, iot.InvalidRequest) {
			t.Errorf("list %+v: %v, want InvalidRequest", req, err)
		}
	}
}

func TestRetention(t *testing.T) {
	e := newTestEnv(t, 10)
	s := newSemanticsFixture(e)
	e.run("old", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{expiringCheck: {"notify"}})
	e.clock.Advance(Retention - time.Hour)
	e.run("recent", iot.MitigationTaskTarget{AuditTaskID: auditID}, map[string][]string{expiringCheck: {"notify"}})
	e.clock.Advance(2 * time.Hour)

	if err := e.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DescribeAuditMitigationActionsTask(context.Background(), testAccount, "old"); !errors.Is(err, iot.NotFound) {
		t.Errorf("task older than 90 days: %v, want ResourceNotFound", err)
	}
	e.view(func(tx store.ReadTx) error {
		got, err := tx.MitigationExecutions(context.Background(), "old", s.ok.ID)
		if len(got) != 0 {
			t.Errorf("executions of the expired task remain: %+v", got)
		}
		return err
	})
	if got := e.executions("recent", s.ok.ID); len(got) != 1 {
		t.Errorf("executions of the recent task: %+v", got)
	}
}
