package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func init() {
	families = append(families, family{name: "Mitigation", run: testMitigation})
}

func testMitigation(t *testing.T, open Opener) {
	t.Run("Actions", func(t *testing.T) { testMitigationActions(t, open) })
	t.Run("Tasks", func(t *testing.T) { testMitigationTasks(t, open) })
	t.Run("TaskListings", func(t *testing.T) { testMitigationTaskListings(t, open) })
	t.Run("Executions", func(t *testing.T) { testMitigationExecutions(t, open) })
	t.Run("CountAuditFindings", func(t *testing.T) { testCountAuditFindings(t, open) })
	t.Run("Retention", func(t *testing.T) { testMitigationRetention(t, open) })
	t.Run("ManyExecutions", func(t *testing.T) { testManyMitigationExecutions(t, open) })
	t.Run("CertificateBatches", func(t *testing.T) { testCertificateBatches(t, open) })
}

// mitigationActionFixture returns a definition of each type, by n modulo 6.
func mitigationActionFixture(n int) iot.MitigationAction {
	a := iot.MitigationAction{Name: fmt.Sprintf("action-%02d", n), ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n),
		RoleARN: "arn:aws:iam::123456789012:role/mitigation", CreatedAt: T0, LastModifiedAt: T0.Add(time.Minute)}
	switch n % 6 {
	case 0:
		a.Type, a.Params.UpdateDeviceCertificate = iot.MitigationUpdateDeviceCertificate, &iot.UpdateCertificateParams{Action: "DEACTIVATE"}
	case 1:
		a.Type, a.Params.UpdateCACertificate = iot.MitigationUpdateCACertificate, &iot.UpdateCertificateParams{Action: "DEACTIVATE"}
	case 2:
		a.Type, a.Params.AddThingsToThingGroup = iot.MitigationAddThingsToThingGroup,
			&iot.AddThingsToThingGroupParams{ThingGroupNames: []string{"quarantine", "review"}, OverrideDynamicGroups: true}
	case 3:
		a.Type, a.Params.ReplaceDefaultPolicyVersion = iot.MitigationReplaceDefaultPolicyVersion,
			&iot.ReplaceDefaultPolicyVersionParams{TemplateName: "BLANK_POLICY"}
	case 4:
		a.Type, a.Params.EnableIoTLogging = iot.MitigationEnableIoTLogging,
			&iot.EnableIoTLoggingParams{RoleARNForLogging: "arn:aws:iam::123456789012:role/logging", LogLevel: iot.LogDebug}
	case 5:
		a.Type, a.Params.PublishFindingToSNS = iot.MitigationPublishFindingToSNS,
			&iot.PublishFindingToSNSParams{TopicARN: "arn:aws:sns:us-east-1:123456789012:findings"}
	}
	return a
}

func actionNames(actions []iot.MitigationAction) []string {
	var names []string
	for _, a := range actions {
		names = append(names, a.Name)
	}
	return names
}

func testMitigationActions(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	var all []iot.MitigationAction
	for n := range 14 {
		all = append(all, mitigationActionFixture(n))
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, a := range all {
			if err := tx.PutMitigationAction(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		for _, want := range all {
			got, err := tx.MitigationAction(ctx, want.Name)
			if diff := cmp.Diff(want, got); err != nil || diff != "" {
				t.Errorf("MitigationAction %s (-want +got) err=%v:\n%s", want.Name, err, diff)
			}
		}
		_, err := tx.MitigationAction(ctx, "missing")
		wantNotFound(t, "MitigationAction missing", err)
		if n, err := tx.CountMitigationActions(ctx); err != nil || n != len(all) {
			t.Errorf("CountMitigationActions = %d, %v; want %d", n, err, len(all))
		}
		for _, tc := range []struct {
			typ  iot.MitigationActionType
			want []string
		}{
			{"", actionNames(all)},
			{iot.MitigationUpdateDeviceCertificate, []string{"action-00", "action-06", "action-12"}},
			{iot.MitigationPublishFindingToSNS, []string{"action-05", "action-11"}},
		} {
			var got []string
			collectPages(t, 4, func(p store.Page) (string, bool) {
				page, more, err := tx.MitigationActions(ctx, tc.typ, p)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, actionNames(page)...)
				return page[len(page)-1].Name, more
			})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("MitigationActions(%q) pages (-want +got):\n%s", tc.typ, diff)
			}
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		_, err := tx.MitigationAction(ctx, "action-00")
		wantNotFound(t, "the other account's MitigationAction", err)
		page, _, err := tx.MitigationActions(ctx, "", store.Page{Limit: 10})
		if err != nil || len(page) != 0 {
			t.Errorf("the other account lists %v, %v", actionNames(page), err)
		}
		return nil
	})
	changed := all[0]
	changed.RoleARN, changed.LastModifiedAt = "arn:aws:iam::123456789012:role/changed", T0.Add(time.Hour)
	Update(t, s, Other.ID, func(tx store.Tx) error {
		wantNotFound(t, "DeleteMitigationAction of the other account's", tx.DeleteMitigationAction(ctx, "action-01"))
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.PutMitigationAction(ctx, changed); err != nil {
			return err
		}
		return tx.DeleteMitigationAction(ctx, "action-01")
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.MitigationAction(ctx, changed.Name)
		if diff := cmp.Diff(changed, got); err != nil || diff != "" {
			t.Errorf("replaced MitigationAction (-want +got) err=%v:\n%s", err, diff)
		}
		_, err = tx.MitigationAction(ctx, "action-01")
		wantNotFound(t, "deleted MitigationAction", err)
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		wantNotFound(t, "DeleteMitigationAction again", tx.DeleteMitigationAction(ctx, "action-01"))
		return nil
	})
}

// mitigationTaskFixture returns a task started at T0 + minutes, ended a
// second later unless IN_PROGRESS, targeting audit task t1.
func mitigationTaskFixture(id string, minutes int, status iot.MitigationTaskStatus) iot.MitigationTask {
	m := iot.MitigationTask{
		ID: id, Status: status, StartTime: T0.Add(time.Duration(minutes) * time.Minute), ClientRequestToken: "token-" + id,
		Target:  iot.MitigationTaskTarget{AuditTaskID: "t1", ReasonCodeFilter: map[string][]string{"A_CHECK": {"R1", "R2"}}},
		Mapping: map[string][]string{"A_CHECK": {"action-00", "action-05"}, "B_CHECK": {"action-05"}},
		Actions: []iot.MitigationAction{mitigationActionFixture(0), mitigationActionFixture(5)},
		Statistics: map[string]iot.MitigationFindingCounts{
			"A_CHECK": {Total: 10, Succeeded: 4, Failed: 1, Skipped: 2, Canceled: 3},
			"B_CHECK": {Total: 0},
		},
		Cursor: "A_CHECK\x00123/f01", Resumes: 1,
	}
	if status != iot.MitigationTaskInProgress {
		m.EndTime = m.StartTime.Add(time.Second)
	}
	return m
}

func putMitigationTasks(t *testing.T, s store.Store, account string, tasks ...iot.MitigationTask) {
	t.Helper()
	Update(t, s, account, func(tx store.Tx) error {
		for _, m := range tasks {
			if err := tx.PutMitigationTask(context.Background(), m); err != nil {
				return err
			}
		}
		return nil
	})
}

func testMitigationTasks(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	byAudit := mitigationTaskFixture("by-audit", 0, iot.MitigationTaskInProgress)
	byFindings := mitigationTaskFixture("by-findings", 1, iot.MitigationTaskCompleted)
	byFindings.Target = iot.MitigationTaskTarget{FindingIDs: []string{"f02", "f01"}}
	putMitigationTasks(t, s, Account.ID, byAudit, byFindings)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		for _, want := range []iot.MitigationTask{byAudit, byFindings} {
			got, err := tx.MitigationTask(ctx, want.ID)
			if diff := cmp.Diff(want, got); err != nil || diff != "" {
				t.Errorf("MitigationTask %s (-want +got) err=%v:\n%s", want.ID, err, diff)
			}
		}
		_, err := tx.MitigationTask(ctx, "missing")
		wantNotFound(t, "MitigationTask missing", err)
		if ids, err := tx.InProgressMitigationTasks(ctx); err != nil || !cmp.Equal(ids, []string{"by-audit"}) {
			t.Errorf("InProgressMitigationTasks = %v, %v", ids, err)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		_, err := tx.MitigationTask(ctx, "by-audit")
		wantNotFound(t, "the other account's MitigationTask", err)
		if ids, err := tx.InProgressMitigationTasks(ctx); err != nil || len(ids) != 0 {
			t.Errorf("the other account's InProgressMitigationTasks = %v, %v", ids, err)
		}
		return nil
	})
	// A later write replaces the state and the statistics; the target stays.
	done := byAudit
	done.Status, done.EndTime, done.Cursor, done.Resumes = iot.MitigationTaskCanceled, T0.Add(time.Hour), "", 2
	done.Statistics = map[string]iot.MitigationFindingCounts{
		"A_CHECK": {Total: 10, Succeeded: 4, Failed: 1, Skipped: 2, Canceled: 3},
		"B_CHECK": {Total: 0, Canceled: 0},
	}
	putMitigationTasks(t, s, Account.ID, done)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.MitigationTask(ctx, done.ID)
		if diff := cmp.Diff(done, got); err != nil || diff != "" {
			t.Errorf("replaced MitigationTask (-want +got) err=%v:\n%s", err, diff)
		}
		if ids, err := tx.InProgressMitigationTasks(ctx); err != nil || len(ids) != 0 {
			t.Errorf("InProgressMitigationTasks after the end = %v, %v", ids, err)
		}
		return nil
	})
}

func mitigationTaskIDs(tasks []iot.MitigationTask) []string {
	var ids []string
	for _, m := range tasks {
		ids = append(ids, m.ID)
	}
	return ids
}

func testMitigationTaskListings(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	setupFindingTask(t, s, Account.ID)
	addFindings(t, s, Account.ID, findingFixture(1, "A_CHECK", "aa", "R1"), findingFixture(2, "B_CHECK", "bb", "R1"))
	m1 := mitigationTaskFixture("m1", 1, iot.MitigationTaskCompleted)
	m2 := mitigationTaskFixture("m2", 2, iot.MitigationTaskInProgress)
	m2.Target = iot.MitigationTaskTarget{FindingIDs: []string{"f02"}}
	m3 := mitigationTaskFixture("m3", 3, iot.MitigationTaskFailed)
	m3.Target = iot.MitigationTaskTarget{AuditTaskID: "t9"}
	m4 := mitigationTaskFixture("m4", 4, iot.MitigationTaskCanceled)
	m4.Mapping, m4.Statistics = map[string][]string{"B_CHECK": {"action-05"}}, map[string]iot.MitigationFindingCounts{"B_CHECK": {}}
	m5 := mitigationTaskFixture("m5", 5, iot.MitigationTaskCompleted)
	m5.EndTime = T0.Add(time.Hour) // ends after the windows below
	putMitigationTasks(t, s, Account.ID, m1, m2, m3, m4, m5)

	from, to := T0, T0.Add(30*time.Minute)
	for _, tc := range []struct {
		name string
		f    store.MitigationTaskFilter
		want []string
	}{
		{"window", store.MitigationTaskFilter{From: from, To: to}, []string{"m4", "m3", "m2", "m1"}},
		{"window starting later", store.MitigationTaskFilter{From: T0.Add(2 * time.Minute), To: to}, []string{"m4", "m3", "m2"}},
		{"running task started after the end", store.MitigationTaskFilter{From: from, To: T0.Add(90 * time.Second)}, []string{"m1"}},
		{"status", store.MitigationTaskFilter{From: from, To: to, Status: iot.MitigationTaskInProgress}, []string{"m2"}},
		{"audit task", store.MitigationTaskFilter{From: from, To: to, AuditTaskID: "t1"}, []string{"m4", "m2", "m1"}},
		{"another audit task", store.MitigationTaskFilter{From: from, To: to, AuditTaskID: "t9"}, []string{"m3"}},
		{"finding of a mapped check", store.MitigationTaskFilter{From: from, To: to,
			Finding: &store.MitigationFindingRef{ID: "f01", AuditTaskID: "t1", CheckName: "A_CHECK"}}, []string{"m1"}},
		{"finding named by the target", store.MitigationTaskFilter{From: from, To: to,
			Finding: &store.MitigationFindingRef{ID: "f02", AuditTaskID: "t1", CheckName: "B_CHECK"}}, []string{"m4", "m2", "m1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			View(t, s, Account.ID, func(tx store.ReadTx) error {
				collectPages(t, 2, func(p store.Page) (string, bool) {
					page, more, err := tx.MitigationTasks(ctx, tc.f, p)
					if err != nil {
						t.Fatal(err)
					}
					got = append(got, mitigationTaskIDs(page)...)
					if len(page) == 0 {
						return "", false
					}
					return store.MitigationTaskKey(page[len(page)-1]), more
				})
				return nil
			})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("MitigationTasks (-want +got):\n%s", diff)
			}
		})
	}
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		page, _, err := tx.MitigationTasks(ctx, store.MitigationTaskFilter{From: from, To: to}, store.Page{Limit: 10})
		if err != nil || len(page) != 0 {
			t.Errorf("the other account lists %v, %v", mitigationTaskIDs(page), err)
		}
		return nil
	})
}

func testMitigationExecutions(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	putMitigationTasks(t, s, Account.ID, mitigationTaskFixture("m1", 0, iot.MitigationTaskInProgress),
		mitigationTaskFixture("m2", 1, iot.MitigationTaskCanceled))
	execution := func(task, finding string, seq int, status iot.MitigationExecutionStatus) iot.MitigationExecution {
		x := iot.MitigationExecution{TaskID: task, FindingID: finding, Seq: seq, ActionName: fmt.Sprintf("action-%02d", seq),
			ActionID: fmt.Sprintf("id-%d", seq), Status: status, StartTime: T0.Add(time.Duration(seq) * time.Second)}
		if status != iot.ExecutionInProgress {
			x.EndTime = x.StartTime.Add(time.Millisecond)
		}
		if status == iot.ExecutionFailed {
			x.ErrorCode, x.Message = iot.ExecutionErrorInvalidState, "revoked"
		}
		return x
	}
	first := []iot.MitigationExecution{
		execution("m1", "f01", 1, iot.ExecutionInProgress),
		execution("m1", "f01", 0, iot.ExecutionCompleted),
		execution("m1", "f02", 0, iot.ExecutionFailed),
		execution("m1", "f02", 1, iot.ExecutionSkipped),
		execution("m2", "f01", 0, iot.ExecutionInProgress),
	}
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutMitigationExecutions(ctx, first) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.MitigationExecutions(ctx, "m1", "f01")
		if diff := cmp.Diff([]iot.MitigationExecution{first[1], first[0]}, got); err != nil || diff != "" {
			t.Errorf("MitigationExecutions (-want +got) err=%v:\n%s", err, diff)
		}
		got, err = tx.InProgressMitigationExecutions(ctx)
		if diff := cmp.Diff([]iot.MitigationExecution{first[0], first[4]}, got); err != nil || diff != "" {
			t.Errorf("InProgressMitigationExecutions (-want +got) err=%v:\n%s", err, diff)
		}
		got, err = tx.MitigationExecutions(ctx, "m1", "f09")
		if err != nil || len(got) != 0 {
			t.Errorf("executions of another finding: %v, %v", got, err)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		got, err := tx.MitigationExecutions(ctx, "m1", "f01")
		if err != nil || len(got) != 0 {
			t.Errorf("the other account sees %v, %v", got, err)
		}
		if got, err := tx.InProgressMitigationExecutions(ctx); err != nil || len(got) != 0 {
			t.Errorf("the other account's executions in progress: %v, %v", got, err)
		}
		return nil
	})
	ended := execution("m1", "f01", 1, iot.ExecutionFailed)
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutMitigationExecutions(ctx, []iot.MitigationExecution{ended}) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.MitigationExecutions(ctx, "m1", "f01")
		if diff := cmp.Diff([]iot.MitigationExecution{first[1], ended}, got); err != nil || diff != "" {
			t.Errorf("replaced execution (-want +got) err=%v:\n%s", err, diff)
		}
		return nil
	})
}

func testCountAuditFindings(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	setupFindingTask(t, s, Account.ID)
	addFindings(t, s, Account.ID, findingFixture(1, "A_CHECK", "aa", "R1"), findingFixture(2, "A_CHECK", "bb", "R1"),
		findingFixture(3, "B_CHECK", "cc", "R1"))
	count := func(account, check string) int64 {
		var n int64
		View(t, s, account, func(tx store.ReadTx) (err error) {
			n, err = tx.CountAuditFindings(ctx, "t1", check)
			return err
		})
		return n
	}
	if n := count(Account.ID, "A_CHECK"); n != 0 {
		t.Errorf("%d findings of a running check are counted", n)
	}
	completeCheck(t, s, Account.ID, "A_CHECK")
	if n := count(Account.ID, "A_CHECK"); n != 2 {
		t.Errorf("CountAuditFindings = %d, want 2", n)
	}
	if n := count(Other.ID, "A_CHECK"); n != 0 {
		t.Errorf("the other account counts %d", n)
	}
}

func testMitigationRetention(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	old := mitigationTaskFixture("old", 0, iot.MitigationTaskCompleted)
	running := mitigationTaskFixture("running", 0, iot.MitigationTaskInProgress)
	recent := mitigationTaskFixture("recent", 60, iot.MitigationTaskFailed)
	putMitigationTasks(t, s, Account.ID, old, running, recent)
	putMitigationTasks(t, s, Other.ID, old)
	Update(t, s, Account.ID, func(tx store.Tx) error {
		return tx.PutMitigationExecutions(ctx, []iot.MitigationExecution{
			{TaskID: "old", FindingID: "f01", ActionName: "a", ActionID: "i", Status: iot.ExecutionInProgress, StartTime: T0}})
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		n, err := tx.DeleteMitigationTasksBefore(ctx, T0.Add(time.Minute))
		if n != 1 {
			t.Errorf("DeleteMitigationTasksBefore deleted %d tasks, want 1", n)
		}
		return err
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		_, err := tx.MitigationTask(ctx, "old")
		wantNotFound(t, "expired task", err)
		if got, err := tx.InProgressMitigationExecutions(ctx); err != nil || len(got) != 0 {
			t.Errorf("executions of the expired task remain: %v, %v", got, err)
		}
		for _, id := range []string{"running", "recent"} {
			if _, err := tx.MitigationTask(ctx, id); err != nil {
				t.Errorf("task %s: %v", id, err)
			}
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		_, err := tx.MitigationTask(ctx, "old")
		if err != nil {
			t.Errorf("the other account's task was deleted: %v", err)
		}
		return nil
	})
}

func testManyMitigationExecutions(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	putMitigationTasks(t, s, Account.ID, mitigationTaskFixture("m1", 0, iot.MitigationTaskInProgress))
	var xs []iot.MitigationExecution
	for i := range 250 {
		xs = append(xs, iot.MitigationExecution{TaskID: "m1", FindingID: fmt.Sprintf("f%03d", i/2), Seq: i % 2,
			ActionName: "a", ActionID: "i", Status: iot.ExecutionCompleted, StartTime: T0, EndTime: T0.Add(time.Millisecond),
			Message: fmt.Sprint("message ", i)})
	}
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutMitigationExecutions(ctx, xs) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		for _, f := range []int{0, 60, 124} {
			got, err := tx.MitigationExecutions(ctx, "m1", fmt.Sprintf("f%03d", f))
			if diff := cmp.Diff(xs[2*f:2*f+2], got); err != nil || diff != "" {
				t.Errorf("executions of finding %d (-want +got) err=%v:\n%s", f, err, diff)
			}
		}
		return nil
	})
}

func testCertificateBatches(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	var ids []string
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for i, status := range []iot.CertificateStatus{iot.CertificateActive, iot.CertificateRevoked, iot.CertificateActive} {
			c := fixtureCertificate(i+1, T0)
			c.Status, c.CustomerVersion = status, i+1
			if _, err := tx.CreateCertificate(ctx, c, nil); err != nil {
				return err
			}
			ids = append(ids, c.ID)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		if got, err := tx.CertificateStates(ctx, ids); err != nil || len(got) != 0 {
			t.Errorf("the other account reads %v, %v", got, err)
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.CertificateStates(ctx, []string{ids[1], "missing", ids[0]})
		slices.SortFunc(got, func(a, b iot.Certificate) int { return strings.Compare(a.ID, b.ID) })
		want := []iot.Certificate{{ID: ids[0], Status: iot.CertificateActive, CustomerVersion: 1},
			{ID: ids[1], Status: iot.CertificateRevoked, CustomerVersion: 2}}
		slices.SortFunc(want, func(a, b iot.Certificate) int { return strings.Compare(a.ID, b.ID) })
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("CertificateStates (-want +got) err=%v:\n%s", err, diff)
		}
		return nil
	})
	at := T0.Add(time.Hour)
	Update(t, s, Other.ID, func(tx store.Tx) error {
		return tx.SetCertificatesStatus(ctx, ids, iot.CertificateInactive, at, "other")
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		return tx.SetCertificatesStatus(ctx, ids[:2], iot.CertificateInactive, at, "generation-2")
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		for i, id := range ids {
			c, err := tx.Certificate(ctx, id)
			changed := i < 2
			if err != nil || (c.Status == iot.CertificateInactive) != changed || (c.GenerationID == "generation-2") != changed ||
				(c.CustomerVersion == i+2) != changed || c.LastModifiedAt.Equal(at) != changed {
				t.Errorf("certificate %d after SetCertificatesStatus: %s, version %d, generation %s, modified %v, %v",
					i, c.Status, c.CustomerVersion, c.GenerationID, c.LastModifiedAt, err)
			}
		}
		return nil
	})
}
