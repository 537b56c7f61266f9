package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

func init() {
	families = append(families, family{name: "Audit", run: testAudit})
}

func testAudit(t *testing.T, open Opener) {
	t.Run("Configuration", func(t *testing.T) { testAuditConfiguration(t, open) })
	t.Run("Tasks", func(t *testing.T) { testAuditTasks(t, open) })
	t.Run("CheckResults", func(t *testing.T) { testAuditCheckResults(t, open) })
	t.Run("Findings", func(t *testing.T) { testAuditFindings(t, open) })
	t.Run("FindingListings", func(t *testing.T) { testAuditFindingListings(t, open) })
	t.Run("Retention", func(t *testing.T) { testAuditRetention(t, open) })
	t.Run("Suppressions", func(t *testing.T) { testAuditSuppressions(t, open) })
	t.Run("ScheduledAudits", func(t *testing.T) { testScheduledAudits(t, open) })
}

func wantNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: %v, want ErrNotFound", what, err)
	}
}

func testAuditConfiguration(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		_, err := tx.AuditConfiguration(ctx)
		wantNotFound(t, "AuditConfiguration never set", err)
		return nil
	})
	first := iot.AuditConfiguration{
		RoleARN: "arn:aws:iam::123456789012:role/audit",
		SNS:     &iot.AuditNotificationTarget{TargetARN: "arn:aws:sns:us-east-1:123456789012:audits", RoleARN: "arn:aws:iam::123456789012:role/sns", Enabled: true},
		Checks: map[string]iot.AuditCheckConfiguration{
			"A_CHECK": {Enabled: true},
			"B_CHECK": {Enabled: false, Config: map[string]int64{"THRESHOLD": 90}},
		},
	}
	second := iot.AuditConfiguration{RoleARN: "arn:aws:iam::123456789012:role/other",
		Checks: map[string]iot.AuditCheckConfiguration{"C_CHECK": {Enabled: true}}}
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutAuditConfiguration(ctx, first) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditConfiguration(ctx)
		if diff := cmp.Diff(first, got); err != nil || diff != "" {
			t.Errorf("AuditConfiguration (-want +got) err=%v:\n%s", err, diff)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		_, err := tx.AuditConfiguration(ctx)
		wantNotFound(t, "other account's AuditConfiguration", err)
		return nil
	})
	// A put replaces everything: the SNS target and checks not given are gone.
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutAuditConfiguration(ctx, second) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditConfiguration(ctx)
		if diff := cmp.Diff(second, got); err != nil || diff != "" {
			t.Errorf("replaced AuditConfiguration (-want +got) err=%v:\n%s", err, diff)
		}
		return nil
	})
	Update(t, s, Other.ID, func(tx store.Tx) error {
		wantNotFound(t, "DeleteAuditConfiguration of the other account", tx.DeleteAuditConfiguration(ctx))
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.DeleteAuditConfiguration(ctx) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		_, err := tx.AuditConfiguration(ctx)
		wantNotFound(t, "deleted AuditConfiguration", err)
		return nil
	})
	// Configuring again starts from nothing: the deleted check rows are gone.
	Update(t, s, Account.ID, func(tx store.Tx) error {
		return tx.PutAuditConfiguration(ctx, iot.AuditConfiguration{RoleARN: "r"})
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditConfiguration(ctx)
		if err != nil || len(got.Checks) != 0 || got.SNS != nil {
			t.Errorf("reconfigured = %+v, %v; want no checks and no SNS target", got, err)
		}
		return nil
	})
}

// auditTask returns a task fixture started at T0 + minutes.
func auditTask(id string, minutes int, typ iot.AuditTaskType, status iot.AuditTaskStatus) iot.AuditTask {
	a := iot.AuditTask{ID: id, Type: typ, Status: status, StartTime: T0.Add(time.Duration(minutes) * time.Minute)}
	if status != iot.AuditTaskInProgress {
		a.EndTime = a.StartTime.Add(time.Second)
	}
	if typ == iot.ScheduledAuditTask {
		a.ScheduledAuditName = "daily"
		a.PreviousRun = a.StartTime.Add(-24 * time.Hour)
	}
	return a
}

func putTasks(t *testing.T, s store.Store, account string, tasks ...iot.AuditTask) {
	t.Helper()
	Update(t, s, account, func(tx store.Tx) error {
		for _, a := range tasks {
			if err := tx.PutAuditTask(context.Background(), a); err != nil {
				return err
			}
		}
		return nil
	})
}

func taskIDs(tasks []iot.AuditTask) []string {
	var ids []string
	for _, a := range tasks {
		ids = append(ids, a.ID)
	}
	return ids
}

func testAuditTasks(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	tasks := []iot.AuditTask{
		auditTask("t1", 0, iot.OnDemandAuditTask, iot.AuditTaskCompleted),
		auditTask("t2", 10, iot.ScheduledAuditTask, iot.AuditTaskFailed),
		auditTask("t3", 10, iot.OnDemandAuditTask, iot.AuditTaskInProgress),
		auditTask("t4", 20, iot.OnDemandAuditTask, iot.AuditTaskCanceled),
		auditTask("t5", 30, iot.ScheduledAuditTask, iot.AuditTaskInProgress),
	}
	putTasks(t, s, Account.ID, tasks...)
	putTasks(t, s, Other.ID, auditTask("x1", 10, iot.OnDemandAuditTask, iot.AuditTaskInProgress))

	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditTask(ctx, "t2")
		if diff := cmp.Diff(tasks[1], got); err != nil || diff != "" {
			t.Errorf("AuditTask (-want +got) err=%v:\n%s", err, diff)
		}
		_, err = tx.AuditTask(ctx, "x1")
		wantNotFound(t, "the other account's task", err)
		inProgress, err := tx.InProgressAuditTasks(ctx)
		if diff := cmp.Diff([]string{"t3", "t5"}, taskIDs(inProgress)); err != nil || diff != "" {
			t.Errorf("InProgressAuditTasks (-want +got) err=%v:\n%s", err, diff)
		}
		return nil
	})

	all := store.AuditTaskFilter{From: T0, To: T0.Add(time.Hour)}
	for _, tc := range []struct {
		name   string
		filter store.AuditTaskFilter
		want   []string
	}{
		{"all, newest first, ids descending on a tie", all, []string{"t5", "t4", "t3", "t2", "t1"}},
		{"window bounds are inclusive", store.AuditTaskFilter{From: T0.Add(10 * time.Minute), To: T0.Add(20 * time.Minute)}, []string{"t4", "t3", "t2"}},
		{"by type", store.AuditTaskFilter{From: all.From, To: all.To, Type: iot.ScheduledAuditTask}, []string{"t5", "t2"}},
		{"by status", store.AuditTaskFilter{From: all.From, To: all.To, Status: iot.AuditTaskInProgress}, []string{"t5", "t3"}},
		{"by type and status", store.AuditTaskFilter{From: all.From, To: all.To, Type: iot.OnDemandAuditTask, Status: iot.AuditTaskInProgress}, []string{"t3"}},
		{"empty window", store.AuditTaskFilter{From: T0.Add(time.Minute), To: T0.Add(2 * time.Minute)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 10} {
				var got []string
				collectPages(t, limit, func(p store.Page) (string, bool) {
					var page []iot.AuditTask
					var more bool
					View(t, s, Account.ID, func(tx store.ReadTx) (err error) {
						page, more, err = tx.AuditTasks(ctx, tc.filter, p)
						return err
					})
					got = append(got, taskIDs(page)...)
					if len(page) == 0 {
						return "", more
					}
					return store.AuditTaskKey(page[len(page)-1]), more
				})
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("limit %d (-want +got):\n%s", limit, diff)
				}
			}
		})
	}

	// A put replaces the task.
	done := tasks[2]
	done.Status, done.EndTime, done.Resumes = iot.AuditTaskCompleted, done.StartTime.Add(time.Minute), 2
	putTasks(t, s, Account.ID, done)
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditTask(ctx, "t3")
		if diff := cmp.Diff(done, got); err != nil || diff != "" {
			t.Errorf("replaced task (-want +got) err=%v:\n%s", err, diff)
		}
		return nil
	})
}

// collectPages walks a listing page by page: fetch returns the key of the
// page's last item and whether more follow.
func collectPages(t *testing.T, limit int, fetch func(store.Page) (last string, more bool)) {
	t.Helper()
	p := store.Page{Limit: limit}
	for i := 0; ; i++ {
		if i > 100 {
			t.Fatal("listing does not end")
		}
		last, more := fetch(p)
		if !more {
			return
		}
		p.After = last
	}
}

func testAuditCheckResults(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	putTasks(t, s, Account.ID, auditTask("t1", 0, iot.OnDemandAuditTask, iot.AuditTaskInProgress))
	results := []iot.AuditCheckResult{
		{CheckName: "B_CHECK", Status: iot.CheckInProgress, Config: map[string]int64{"DAYS": 30}},
		{CheckName: "A_CHECK", Status: iot.CheckFailed, ErrorCode: iot.CheckErrorDisabled, Message: "disabled"},
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, r := range results {
			if err := tx.PutAuditCheckResult(ctx, "t1", r); err != nil {
				return err
			}
		}
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditCheckResults(ctx, "t1")
		if diff := cmp.Diff([]iot.AuditCheckResult{results[1], results[0]}, got); err != nil || diff != "" {
			t.Errorf("AuditCheckResults (-want +got) err=%v:\n%s", err, diff)
		}
		_, err = tx.AuditCheckResult(ctx, "t1", "C_CHECK")
		wantNotFound(t, "AuditCheckResult of an unknown check", err)
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditCheckResults(ctx, "t1")
		if err != nil || len(got) != 0 {
			t.Errorf("the other account sees %v, %v", got, err)
		}
		return nil
	})
	done := iot.AuditCheckResult{CheckName: "B_CHECK", Status: iot.CheckNonCompliant, TotalResources: 1000000,
		NonCompliantResources: 7, SuppressedResources: 2, Config: map[string]int64{"DAYS": 30}}
	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.PutAuditCheckResult(ctx, "t1", done) })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditCheckResult(ctx, "t1", "B_CHECK")
		if diff := cmp.Diff(done, got); err != nil || diff != "" {
			t.Errorf("replaced AuditCheckResult (-want +got) err=%v:\n%s", err, diff)
		}
		return nil
	})
}

// findingFixture returns finding n of a check of task t1.
func findingFixture(n int, check, resource, reason string) iot.AuditFinding {
	return iot.AuditFinding{
		ID: fmt.Sprintf("f%02d", n), TaskID: "t1", CheckName: check, TaskStartTime: T0,
		FindingTime: T0.Add(time.Duration(n) * time.Second), Severity: "CRITICAL",
		Resource: iot.AuditResource{Type: "DEVICE_CERTIFICATE", Identifier: iot.ResourceIdentifier{DeviceCertificateID: resource}},
		Reason:   "reason " + reason, ReasonCode: reason,
	}
}

// setupFindingTask stores task t1 in progress with checks A_CHECK and
// B_CHECK in progress.
func setupFindingTask(t *testing.T, s store.Store, account string) {
	t.Helper()
	ctx := context.Background()
	putTasks(t, s, account, auditTask("t1", 0, iot.OnDemandAuditTask, iot.AuditTaskInProgress))
	Update(t, s, account, func(tx store.Tx) error {
		for _, name := range []string{"A_CHECK", "B_CHECK"} {
			if err := tx.PutAuditCheckResult(ctx, "t1", iot.AuditCheckResult{CheckName: name, Status: iot.CheckInProgress}); err != nil {
				return err
			}
		}
		return nil
	})
}

func completeCheck(t *testing.T, s store.Store, account, check string) {
	t.Helper()
	Update(t, s, account, func(tx store.Tx) error {
		return tx.PutAuditCheckResult(context.Background(), "t1", iot.AuditCheckResult{CheckName: check, Status: iot.CheckNonCompliant})
	})
}

func addFindings(t *testing.T, s store.Store, account string, findings ...iot.AuditFinding) {
	t.Helper()
	Update(t, s, account, func(tx store.Tx) error { return tx.AddAuditFindings(context.Background(), findings) })
}

func testAuditFindings(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	setupFindingTask(t, s, Account.ID)

	related := make([]iot.AuditResource, 12)
	for i := range related {
		related[i] = iot.AuditResource{Type: "CLIENT_ID", Identifier: iot.ResourceIdentifier{ClientID: fmt.Sprintf("client-%02d", i)},
			AdditionalInfo: map[string]string{"CONNECTION_TIME": fmt.Sprint(1560086374068 + i)}}
	}
	full := findingFixture(1, "A_CHECK", "aa", "R1")
	full.Related = related
	full.Suppressed = true
	full.Resource.AdditionalInfo = map[string]string{"EXTRA": "x"}
	policy := findingFixture(2, "A_CHECK", "", "R1")
	policy.Resource = iot.AuditResource{Type: "IOT_POLICY", Identifier: iot.ResourceIdentifier{PolicyVersion: &iot.PolicyVersionIdentifier{PolicyName: "p", PolicyVersionID: "3"}}}
	issuer := findingFixture(3, "A_CHECK", "", "R2")
	issuer.Resource = iot.AuditResource{Type: "ISSUER_CERTIFICATE", Identifier: iot.ResourceIdentifier{IssuerCertificate: &iot.IssuerCertificateIdentifier{Subject: "CN=ca", IssuerID: "ab", SerialNumber: "01:02"}}}
	addFindings(t, s, Account.ID, full, policy, issuer)
	// The same (task, check, resource, reason code) again, in a later batch.
	dup := findingFixture(9, "A_CHECK", "AA", "R1")
	addFindings(t, s, Account.ID, dup, findingFixture(4, "A_CHECK", "aa", "R2"))
	addFindings(t, s, Account.ID, findingFixture(5, "B_CHECK", "bb", "R1"))

	View(t, s, Account.ID, func(tx store.ReadTx) error {
		_, err := tx.AuditFinding(ctx, "f01", 10)
		wantNotFound(t, "finding of a running check", err)
		_, _, err = tx.AuditFindingRelated(ctx, "f01", store.Page{Limit: 5})
		wantNotFound(t, "related resources of a running check's finding", err)
		n, sup, err := tx.CountAuditFindingResources(ctx, "t1", "A_CHECK")
		if err != nil || n != 3 || sup != 1 {
			t.Errorf("CountAuditFindingResources = %d, %d, %v; want 3 resources (aa, policy, issuer), 1 suppressed", n, sup, err)
		}
		return nil
	})
	Update(t, s, Account.ID, func(tx store.Tx) error {
		n, sup, err := tx.SettleAuditFindings(ctx, "t1", "A_CHECK")
		if err != nil || n != 3 || sup != 1 {
			t.Errorf("SettleAuditFindings = %d, %d, %v; want 3 resources, 1 suppressed", n, sup, err)
		}
		return err
	})
	completeCheck(t, s, Account.ID, "A_CHECK")
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditFinding(ctx, "f01", 10)
		want := full
		want.Related = related[:10]
		if diff := cmp.Diff(want, got); err != nil || diff != "" {
			t.Errorf("AuditFinding (-want +got) err=%v:\n%s", err, diff)
		}
		for _, f := range []iot.AuditFinding{policy, issuer} {
			got, err := tx.AuditFinding(ctx, f.ID, 10)
			if diff := cmp.Diff(f, got); err != nil || diff != "" {
				t.Errorf("AuditFinding %s (-want +got) err=%v:\n%s", f.ID, err, diff)
			}
		}
		if got, err := tx.AuditFinding(ctx, "f01", 0); err != nil || got.Related != nil {
			t.Errorf("AuditFinding without related = %v, %v", got.Related, err)
		}
		_, err = tx.AuditFinding(ctx, "f09", 0)
		wantNotFound(t, "the settled duplicate", err)
		if _, err := tx.AuditFinding(ctx, "f04", 0); err != nil {
			t.Errorf("another reason of the same resource was settled away: %v", err)
		}
		_, err = tx.AuditFinding(ctx, "f05", 0)
		wantNotFound(t, "finding of the check still running", err)

		var all []iot.AuditResource
		collectPages(t, 5, func(p store.Page) (string, bool) {
			page, more, err := tx.AuditFindingRelated(ctx, "f01", p)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, page...)
			return fmt.Sprint(len(all) - 1), more
		})
		if diff := cmp.Diff(related, all); diff != "" {
			t.Errorf("AuditFindingRelated pages (-want +got):\n%s", diff)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		_, err := tx.AuditFinding(ctx, "f01", 10)
		wantNotFound(t, "the other account's finding", err)
		return nil
	})

	Update(t, s, Account.ID, func(tx store.Tx) error { return tx.DeleteAuditFindings(ctx, "t1", "A_CHECK") })
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		n, _, err := tx.CountAuditFindingResources(ctx, "t1", "A_CHECK")
		if err != nil || n != 0 {
			t.Errorf("after DeleteAuditFindings: %d resources, %v", n, err)
		}
		n, _, err = tx.CountAuditFindingResources(ctx, "t1", "B_CHECK")
		if err != nil || n != 1 {
			t.Errorf("DeleteAuditFindings of A_CHECK left B_CHECK with %d resources, %v; want 1", n, err)
		}
		return nil
	})
}

func testAuditFindingListings(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	setupFindingTask(t, s, Account.ID)
	setupFindingTask(t, s, Other.ID)
	suppressed := findingFixture(4, "A_CHECK", "bb", "R1")
	suppressed.Suppressed = true
	addFindings(t, s, Account.ID,
		findingFixture(1, "B_CHECK", "aa", "R1"),
		findingFixture(2, "A_CHECK", "cc", "R1"),
		findingFixture(3, "A_CHECK", "aa", "R2"),
		suppressed,
		findingFixture(5, "A_CHECK", "aa", "R1"),
	)
	addFindings(t, s, Other.ID, findingFixture(6, "A_CHECK", "aa", "R1"))
	completeCheck(t, s, Account.ID, "A_CHECK")
	completeCheck(t, s, Account.ID, "B_CHECK")
	completeCheck(t, s, Other.ID, "A_CHECK")

	// The listings are the same whether no check, one or every check is in
	// the resource index.
	for _, indexed := range [][]string{nil, {"A_CHECK"}, {"A_CHECK", "B_CHECK"}} {
		for _, check := range indexed {
			Update(t, s, Account.ID, func(tx store.Tx) error { return tx.IndexAuditFindingResources(ctx, "t1", check) })
		}
		t.Run(fmt.Sprintf("%d checks indexed", len(indexed)), func(t *testing.T) { testFindingListings(t, s) })
	}
	testResourceIndexing(t, s)
}

// testResourceIndexing checks which checks UnindexedAuditChecks lists, and
// that IndexAuditFindingResources enters a check once, and only a completed
// one.
func testResourceIndexing(t *testing.T, s store.Store) {
	ctx := context.Background()
	unindexed := func(account string) []store.AuditCheckRef {
		var refs []store.AuditCheckRef
		View(t, s, account, func(tx store.ReadTx) (err error) {
			refs, err = tx.UnindexedAuditChecks(ctx, 10)
			return err
		})
		return refs
	}
	if got := unindexed(Account.ID); len(got) != 0 {
		t.Errorf("unindexed checks after indexing every check: %v", got)
	}
	if diff := cmp.Diff([]store.AuditCheckRef{{TaskID: "t1", CheckName: "A_CHECK"}}, unindexed(Other.ID)); diff != "" {
		t.Errorf("unindexed checks of the other account (-want +got):\n%s", diff)
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.IndexAuditFindingResources(ctx, "t1", "A_CHECK"); err != nil {
			t.Errorf("indexing a check again: %v", err)
		}
		if err := tx.PutAuditCheckResult(ctx, "t1", iot.AuditCheckResult{CheckName: "C_CHECK", Status: iot.CheckInProgress}); err != nil {
			return err
		}
		return tx.IndexAuditFindingResources(ctx, "t1", "C_CHECK")
	})
	completeCheck(t, s, Account.ID, "C_CHECK")
	if diff := cmp.Diff([]store.AuditCheckRef{{TaskID: "t1", CheckName: "C_CHECK"}}, unindexed(Account.ID)); diff != "" {
		t.Errorf("a check indexed while in progress (-want +got):\n%s", diff)
	}
}

func testFindingListings(t *testing.T, s store.Store) {
	ctx := context.Background()
	yes, no := true, false
	aa := iot.ResourceIdentifier{DeviceCertificateID: "AA"}.Key() // keys are case-insensitive for certificate ids
	window := func(f store.AuditFindingFilter) store.AuditFindingFilter {
		f.From, f.To = T0, T0.Add(time.Hour)
		return f
	}
	for _, tc := range []struct {
		name   string
		filter store.AuditFindingFilter
		want   []string
	}{
		{"task: by check, time, id", store.AuditFindingFilter{TaskID: "t1"}, []string{"f02", "f03", "f04", "f05", "f01"}},
		{"task and check", store.AuditFindingFilter{TaskID: "t1", CheckName: "B_CHECK"}, []string{"f01"}},
		{"task and resource", store.AuditFindingFilter{TaskID: "t1", ResourceKey: aa}, []string{"f03", "f05", "f01"}},
		{"task, resource and check", store.AuditFindingFilter{TaskID: "t1", ResourceKey: aa, CheckName: "A_CHECK"}, []string{"f03", "f05"}},
		{"task, suppressed only", store.AuditFindingFilter{TaskID: "t1", Suppressed: &yes}, []string{"f04"}},
		{"task, unsuppressed only", store.AuditFindingFilter{TaskID: "t1", Suppressed: &no}, []string{"f02", "f03", "f05", "f01"}},
		{"unknown task", store.AuditFindingFilter{TaskID: "nope"}, nil},
		{"window: newest first", window(store.AuditFindingFilter{}), []string{"f05", "f04", "f03", "f02", "f01"}},
		{"window bounds are inclusive", store.AuditFindingFilter{From: T0.Add(2 * time.Second), To: T0.Add(4 * time.Second)}, []string{"f04", "f03", "f02"}},
		{"window and check", window(store.AuditFindingFilter{CheckName: "A_CHECK"}), []string{"f05", "f04", "f03", "f02"}},
		{"window and resource", window(store.AuditFindingFilter{ResourceKey: aa}), []string{"f05", "f03", "f01"}},
		{"window, resource and check", window(store.AuditFindingFilter{ResourceKey: aa, CheckName: "B_CHECK"}), []string{"f01"}},
		{"window, suppressed only", window(store.AuditFindingFilter{Suppressed: &yes}), []string{"f04"}},
		{"window, check, unsuppressed only", window(store.AuditFindingFilter{CheckName: "A_CHECK", Suppressed: &no}), []string{"f05", "f03", "f02"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 25} {
				var got []string
				collectPages(t, limit, func(p store.Page) (string, bool) {
					var page []iot.AuditFinding
					var more bool
					View(t, s, Account.ID, func(tx store.ReadTx) (err error) {
						page, more, err = tx.AuditFindings(ctx, tc.filter, p)
						return err
					})
					for _, f := range page {
						got = append(got, f.ID)
					}
					if len(page) == 0 {
						return "", more
					}
					return store.AuditFindingKey(page[len(page)-1], tc.filter.TaskID != ""), more
				})
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("limit %d (-want +got):\n%s", limit, diff)
				}
			}
		})
	}
}

func testAuditRetention(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	setupFindingTask(t, s, Account.ID) // t1 at T0, in progress
	addFindings(t, s, Account.ID, findingFixture(1, "A_CHECK", "aa", "R1"))
	completeCheck(t, s, Account.ID, "A_CHECK")
	putTasks(t, s, Account.ID,
		auditTask("old", -10, iot.OnDemandAuditTask, iot.AuditTaskCompleted),
		auditTask("new", 10, iot.OnDemandAuditTask, iot.AuditTaskCompleted))
	putTasks(t, s, Other.ID, auditTask("old", -10, iot.OnDemandAuditTask, iot.AuditTaskCompleted))
	cutoff := T0.Add(time.Minute)

	Update(t, s, Account.ID, func(tx store.Tx) error {
		n, err := tx.DeleteAuditTasksBefore(ctx, cutoff)
		if err != nil || n != 1 {
			t.Errorf("DeleteAuditTasksBefore with t1 in progress = %d, %v; want 1 (old)", n, err)
		}
		return err
	})
	finished := auditTask("t1", 0, iot.OnDemandAuditTask, iot.AuditTaskCompleted)
	putTasks(t, s, Account.ID, finished)
	Update(t, s, Account.ID, func(tx store.Tx) error {
		n, err := tx.DeleteAuditTasksBefore(ctx, cutoff)
		if err != nil || n != 1 {
			t.Errorf("DeleteAuditTasksBefore = %d, %v; want 1 (t1)", n, err)
		}
		return err
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, _, err := tx.AuditTasks(ctx, store.AuditTaskFilter{From: T0.Add(-time.Hour), To: T0.Add(time.Hour)}, store.Page{Limit: 10})
		if diff := cmp.Diff([]string{"new"}, taskIDs(got)); err != nil || diff != "" {
			t.Errorf("tasks left (-want +got) err=%v:\n%s", err, diff)
		}
		results, err := tx.AuditCheckResults(ctx, "t1")
		if err != nil || len(results) != 0 {
			t.Errorf("check results of a deleted task: %v, %v", results, err)
		}
		n, _, err := tx.CountAuditFindingResources(ctx, "t1", "A_CHECK")
		if err != nil || n != 0 {
			t.Errorf("findings of a deleted task: %d, %v", n, err)
		}
		byResource := store.AuditFindingFilter{From: T0.Add(-time.Hour), To: T0.Add(time.Hour), ResourceKey: iot.ResourceIdentifier{DeviceCertificateID: "aa"}.Key()}
		found, _, err := tx.AuditFindings(ctx, byResource, store.Page{Limit: 10})
		if err != nil || len(found) != 0 {
			t.Errorf("findings of a deleted task by resource: %v, %v", found, err)
		}
		return nil
	})
	View(t, s, Other.ID, func(tx store.ReadTx) error {
		if _, err := tx.AuditTask(ctx, "old"); err != nil {
			t.Errorf("retention of one account deleted another's task: %v", err)
		}
		return nil
	})
}

func suppression(check, cert string, expires time.Duration) iot.AuditSuppression {
	s := iot.AuditSuppression{CheckName: check, Resource: iot.ResourceIdentifier{DeviceCertificateID: cert},
		Description: "about " + cert, ClientRequestToken: "token-" + check + "-" + cert}
	if expires == 0 {
		s.Indefinitely = true
	} else {
		s.Expiration = T0.Add(expires)
	}
	return s
}

func suppressionNames(list []iot.AuditSuppression) []string {
	var out []string
	for _, s := range list {
		out = append(out, s.CheckName+"/"+s.Resource.DeviceCertificateID)
	}
	return out
}

func testAuditSuppressions(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	list := []iot.AuditSuppression{
		suppression("A_CHECK", "aa", 48*time.Hour),
		suppression("A_CHECK", "bb", 0),
		suppression("B_CHECK", "aa", 24*time.Hour),
		suppression("B_CHECK", "cc", 24*time.Hour),
		suppression("A_CHECK", "cc", 0),
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, x := range list {
			if err := tx.PutAuditSuppression(ctx, x); err != nil {
				return err
			}
		}
		return nil
	})
	Update(t, s, Other.ID, func(tx store.Tx) error { return tx.PutAuditSuppression(ctx, suppression("Z_CHECK", "zz", 0)) })

	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditSuppression(ctx, "A_CHECK", iot.ResourceIdentifier{DeviceCertificateID: "AA"}.Key())
		if diff := cmp.Diff(list[0], got); err != nil || diff != "" {
			t.Errorf("AuditSuppression (-want +got) err=%v:\n%s", err, diff)
		}
		got, err = tx.AuditSuppressionByToken(ctx, list[1].ClientRequestToken)
		if diff := cmp.Diff(list[1], got); err != nil || diff != "" {
			t.Errorf("AuditSuppressionByToken (-want +got) err=%v:\n%s", err, diff)
		}
		_, err = tx.AuditSuppression(ctx, "Z_CHECK", iot.ResourceIdentifier{DeviceCertificateID: "zz"}.Key())
		wantNotFound(t, "the other account's suppression", err)
		_, err = tx.AuditSuppressionByToken(ctx, "token-Z_CHECK-zz")
		wantNotFound(t, "the other account's token", err)
		if n, err := tx.CountAuditSuppressions(ctx); err != nil || n != 5 {
			t.Errorf("CountAuditSuppressions = %d, %v; want 5", n, err)
		}
		return nil
	})

	aa := iot.ResourceIdentifier{DeviceCertificateID: "aa"}.Key()
	for _, tc := range []struct {
		name   string
		filter store.AuditSuppressionFilter
		want   []string
	}{
		{"ascending, indefinite last", store.AuditSuppressionFilter{}, []string{"B_CHECK/aa", "B_CHECK/cc", "A_CHECK/aa", "A_CHECK/bb", "A_CHECK/cc"}},
		{"descending, indefinite first", store.AuditSuppressionFilter{Descending: true}, []string{"A_CHECK/cc", "A_CHECK/bb", "A_CHECK/aa", "B_CHECK/cc", "B_CHECK/aa"}},
		{"by check", store.AuditSuppressionFilter{CheckName: "A_CHECK"}, []string{"A_CHECK/aa", "A_CHECK/bb", "A_CHECK/cc"}},
		{"by resource", store.AuditSuppressionFilter{ResourceKey: aa}, []string{"B_CHECK/aa", "A_CHECK/aa"}},
		{"by check and resource", store.AuditSuppressionFilter{CheckName: "B_CHECK", ResourceKey: aa, Descending: true}, []string{"B_CHECK/aa"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 25} {
				var got []string
				collectPages(t, limit, func(p store.Page) (string, bool) {
					var page []iot.AuditSuppression
					var more bool
					View(t, s, Account.ID, func(tx store.ReadTx) (err error) {
						page, more, err = tx.AuditSuppressions(ctx, tc.filter, p)
						return err
					})
					got = append(got, suppressionNames(page)...)
					if len(page) == 0 {
						return "", more
					}
					return store.AuditSuppressionKey(page[len(page)-1]), more
				})
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("limit %d (-want +got):\n%s", limit, diff)
				}
			}
		})
	}

	// A put over an existing key replaces it.
	changed := list[0]
	changed.Expiration, changed.Indefinitely, changed.Description, changed.ClientRequestToken = time.Time{}, true, "", "other"
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.PutAuditSuppression(ctx, changed); err != nil {
			return err
		}
		if err := tx.DeleteAuditSuppression(ctx, "B_CHECK", aa); err != nil {
			return err
		}
		wantNotFound(t, "deleting a deleted suppression", tx.DeleteAuditSuppression(ctx, "B_CHECK", aa))
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.AuditSuppression(ctx, "A_CHECK", aa)
		if diff := cmp.Diff(changed, got); err != nil || diff != "" {
			t.Errorf("replaced suppression (-want +got) err=%v:\n%s", err, diff)
		}
		_, err = tx.AuditSuppression(ctx, "B_CHECK", aa)
		wantNotFound(t, "deleted suppression", err)
		return nil
	})
}

func testScheduledAudits(t *testing.T, open Opener) {
	s := NewWithAccounts(t, open)
	ctx := context.Background()
	day := 24 * time.Hour
	audits := []iot.ScheduledAudit{
		{Name: "weekly", Frequency: iot.Weekly, DayOfWeek: "MON", TargetChecks: []string{"A_CHECK", "B_CHECK"},
			CreatedAt: T0, Anchor: T0.Add(day), NextRun: T0.Add(day)},
		{Name: "daily", Frequency: iot.Daily, TargetChecks: []string{"A_CHECK"},
			CreatedAt: T0, Anchor: T0.Add(2 * day), NextRun: T0.Add(2 * day), LastRun: T0.Add(day)},
		{Name: "monthly", Frequency: iot.Monthly, DayOfMonth: iot.LastDayOfMonth, TargetChecks: []string{"B_CHECK"},
			CreatedAt: T0, Anchor: T0.Add(3 * day), NextRun: T0.Add(3 * day)},
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		for _, a := range audits {
			if err := tx.PutScheduledAudit(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	Update(t, s, Other.ID, func(tx store.Tx) error {
		return tx.PutScheduledAudit(ctx, iot.ScheduledAudit{Name: "other", Frequency: iot.Daily, TargetChecks: []string{"A_CHECK"}, NextRun: T0})
	})
	names := func(list []iot.ScheduledAudit) []string {
		var out []string
		for _, a := range list {
			out = append(out, a.Name)
		}
		return out
	}
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		got, err := tx.ScheduledAudit(ctx, "daily")
		if diff := cmp.Diff(audits[1], got); err != nil || diff != "" {
			t.Errorf("ScheduledAudit (-want +got) err=%v:\n%s", err, diff)
		}
		_, err = tx.ScheduledAudit(ctx, "other")
		wantNotFound(t, "the other account's scheduled audit", err)
		if n, err := tx.CountScheduledAudits(ctx); err != nil || n != 3 {
			t.Errorf("CountScheduledAudits = %d, %v; want 3", n, err)
		}
		due, err := tx.DueScheduledAudits(ctx, T0.Add(2*day))
		if diff := cmp.Diff([]string{"daily", "weekly"}, names(due)); err != nil || diff != "" {
			t.Errorf("DueScheduledAudits (-want +got) err=%v:\n%s", err, diff)
		}
		due, err = tx.DueScheduledAudits(ctx, T0)
		if err != nil || len(due) != 0 {
			t.Errorf("DueScheduledAudits before any run = %v, %v", names(due), err)
		}
		return nil
	})
	var got []string
	collectPages(t, 2, func(p store.Page) (string, bool) {
		var page []iot.ScheduledAudit
		var more bool
		View(t, s, Account.ID, func(tx store.ReadTx) (err error) {
			page, more, err = tx.ScheduledAudits(ctx, p)
			return err
		})
		got = append(got, names(page)...)
		return page[len(page)-1].Name, more
	})
	if diff := cmp.Diff([]string{"daily", "monthly", "weekly"}, got); diff != "" {
		t.Errorf("ScheduledAudits pages (-want +got):\n%s", diff)
	}
	Update(t, s, Account.ID, func(tx store.Tx) error {
		if err := tx.DeleteScheduledAudit(ctx, "daily"); err != nil {
			return err
		}
		wantNotFound(t, "deleting a deleted scheduled audit", tx.DeleteScheduledAudit(ctx, "daily"))
		wantNotFound(t, "deleting the other account's scheduled audit", tx.DeleteScheduledAudit(ctx, "other"))
		return nil
	})
	View(t, s, Account.ID, func(tx store.ReadTx) error {
		_, err := tx.ScheduledAudit(ctx, "daily")
		wantNotFound(t, "deleted scheduled audit", err)
		return nil
	})
}
