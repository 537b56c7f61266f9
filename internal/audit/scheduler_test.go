package audit

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// scheduledTasks lists the account's scheduled tasks, oldest first.
func (e *testEngine) scheduledTasks() []iot.AuditTask {
	e.t.Helper()
	var tasks []iot.AuditTask
	err := e.store.View(context.Background(), testAccount, func(tx store.ReadTx) error {
		var err error
		tasks, _, err = tx.AuditTasks(context.Background(), store.AuditTaskFilter{From: time.Unix(0, 0), To: e.clock.Now(),
			Type: iot.ScheduledAuditTask}, store.Page{Limit: 1000})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	for i, j := 0, len(tasks)-1; i < j; i, j = i+1, j-1 {
		tasks[i], tasks[j] = tasks[j], tasks[i]
	}
	return tasks
}

// tick calls Tick and waits for the audits it started.
func (e *testEngine) tick() {
	e.t.Helper()
	if err := e.Tick(context.Background()); err != nil {
		e.t.Fatal(err)
	}
	e.wait()
}

func startDays(tasks []iot.AuditTask) []string {
	var days []string
	for _, t := range tasks {
		days = append(days, t.StartTime.Format("2006-01-02 Mon 15:04"))
	}
	return days
}

func TestSchedulerRunsAtTheirTimes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		audit ScheduledAuditRequest
		from  string // created at 05:00 that day; the scheduler ticks on the hour
		until string
		want  []string
	}{
		{"daily", ScheduledAuditRequest{Frequency: iot.Daily}, "2026-03-04", "2026-03-09",
			[]string{"2026-03-05 Thu 00:00", "2026-03-06 Fri 00:00", "2026-03-07 Sat 00:00", "2026-03-08 Sun 00:00"}},
		{"weekly", ScheduledAuditRequest{Frequency: iot.Weekly, DayOfWeek: "MON"}, "2026-03-04", "2026-03-31",
			[]string{"2026-03-09 Mon 00:00", "2026-03-16 Mon 00:00", "2026-03-23 Mon 00:00", "2026-03-30 Mon 00:00"}},
		{"biweekly", ScheduledAuditRequest{Frequency: iot.Biweekly, DayOfWeek: "WED"}, "2026-03-04", "2026-04-30",
			[]string{"2026-03-11 Wed 00:00", "2026-03-25 Wed 00:00", "2026-04-08 Wed 00:00", "2026-04-22 Wed 00:00"}},
		{"monthly on the 31st", ScheduledAuditRequest{Frequency: iot.Monthly, DayOfMonth: "31"}, "2026-01-15", "2026-05-01",
			[]string{"2026-01-31 Sat 00:00", "2026-02-28 Sat 00:00", "2026-03-31 Tue 00:00", "2026-04-30 Thu 00:00"}},
		{"monthly on the last day, leap year", ScheduledAuditRequest{Frequency: iot.Monthly, DayOfMonth: "LAST"}, "2028-01-15", "2028-04-01",
			[]string{"2028-01-31 Mon 00:00", "2028-02-29 Tue 00:00", "2028-03-31 Fri 00:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t)
			e.clock.Set(day(tc.from).Add(5 * time.Hour))
			e.enable(testAccount, caCheck)
			tc.audit.Name, tc.audit.TargetChecks = "scheduled", []string{caCheck}
			if _, err := e.CreateScheduledAudit(context.Background(), testAccount, tc.audit); err != nil {
				t.Fatal(err)
			}
			for e.clock.Now().Before(day(tc.until)) { // every hour
				e.tick()
				e.clock.Advance(time.Hour)
			}
			tasks := e.scheduledTasks()
			if diff := cmp.Diff(tc.want, startDays(tasks)); diff != "" {
				t.Errorf("runs (-want +got):\n%s", diff)
			}
			for _, task := range tasks {
				if task.ScheduledAuditName != "scheduled" || task.Status != iot.AuditTaskCompleted {
					t.Errorf("task %+v", task)
				}
			}
		})
	}
}

func TestScheduledWindows(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, sharedCheck, clientIDCheck)
	ctx := context.Background()
	if _, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "daily", Frequency: iot.Daily,
		TargetChecks: []string{sharedCheck, clientIDCheck}}); err != nil {
		t.Fatal(err)
	}
	first, second := day("2026-03-05"), day("2026-03-06").Add(30*time.Minute)
	e.clock.Set(first)
	e.tick()
	e.clock.Set(second) // the scheduler ran late
	e.tick()
	tasks := e.scheduledTasks()
	if len(tasks) != 2 || !tasks[1].PreviousRun.Equal(first) || !tasks[0].PreviousRun.IsZero() {
		t.Fatalf("tasks %+v", tasks)
	}
	d := 24 * time.Hour
	if diff := cmp.Diff([]check.Window{
		{From: first.Add(-31 * d), To: first.Add(-2 * time.Hour)},
		{From: first.Add(-2 * time.Hour), To: second.Add(-2 * time.Hour)},
	}, windows(e.eval.env(sharedCheck))); diff != "" {
		t.Errorf("shared-certificate windows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]check.Window{
		{From: first.Add(-31 * d), To: first},
		{From: first, To: second},
	}, windows(e.eval.env(clientIDCheck))); diff != "" {
		t.Errorf("client-id windows (-want +got):\n%s", diff)
	}
	if got := e.describe(tasks[1].ID); got.ScheduledAuditName != "daily" || got.Type != iot.ScheduledAuditTask {
		t.Errorf("DescribeAuditTask = %+v", got.AuditTask)
	}
}

func windows(envs []check.Env) []check.Window {
	var out []check.Window
	for _, e := range envs {
		out = append(out, e.Window)
	}
	return out
}

func TestSchedulerAcrossRestarts(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, caCheck, policyCheck)
	ctx := context.Background()
	if _, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "daily", Frequency: iot.Daily, TargetChecks: []string{caCheck, policyCheck}}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(day("2026-03-05").Add(time.Minute))
	e.tick()
	// A restart at the same time neither repeats the run nor loses the next.
	e.closeFn()
	e = reopen(t, e.dir, e.clock, e.ids, e.eval)
	e.tick()
	if got := len(e.scheduledTasks()); got != 1 {
		t.Fatalf("%d runs after a restart, want 1", got)
	}
	// Down for three days: the missed runs are made up by one run at start.
	e.closeFn()
	e.clock.Set(day("2026-03-08").Add(10 * time.Hour))
	e = reopen(t, e.dir, e.clock, e.ids, e.eval)
	e.wait()
	e.tick()
	want := []string{"2026-03-05 Thu 00:01", "2026-03-08 Sun 10:00"}
	if diff := cmp.Diff(want, startDays(e.scheduledTasks())); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
	}
	a, err := e.DescribeScheduledAudit(ctx, testAccount, "daily")
	if err != nil || !a.NextRun.Equal(day("2026-03-09")) || !a.LastRun.Equal(day("2026-03-08").Add(10*time.Hour)) {
		t.Errorf("after the catch-up run: next %v last %v, %v", a.NextRun, a.LastRun, err)
	}

	// A check disabled before the run (possible only by deleting the
	// configuration, which takes the audit with it) is simulated by editing
	// the configuration underneath: the check is FAILED as disabled.
	err = e.store.Update(ctx, testAccount, func(tx store.Tx) error {
		cfg, err := tx.AuditConfiguration(ctx)
		if err != nil {
			return err
		}
		cfg.Checks[policyCheck] = iot.AuditCheckConfiguration{}
		return tx.PutAuditConfiguration(ctx, cfg)
	})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Set(day("2026-03-09"))
	e.tick()
	tasks := e.scheduledTasks()
	d := e.describe(tasks[len(tasks)-1].ID)
	want2 := []iot.AuditCheckResult{
		{CheckName: caCheck, Status: iot.CheckCompliant},
		{CheckName: policyCheck, Status: iot.CheckFailed, ErrorCode: iot.CheckErrorDisabled,
			Message: policyCheck + " is not enabled in the account's audit configuration."},
	}
	if diff := cmp.Diff(want2, d.Checks); diff != "" {
		t.Errorf("run with a disabled check (-want +got):\n%s", diff)
	}
}

func TestRetention(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, certCheck)
	e.eval.set(certCheck, examine(1, certFinding("aa", "R1")))
	old := e.audit(certCheck)
	e.clock.Advance(Retention - time.Hour)
	recent := e.audit(certCheck)
	oldFinding := e.findings(old.ID)[0].ID

	e.clock.Advance(30 * time.Minute)
	e.tick() // within the hour since Start's removal: nothing runs yet
	e.clock.Advance(time.Hour)
	if _, err := e.DescribeAuditFinding(context.Background(), testAccount, oldFinding); err != nil {
		t.Fatalf("before the hourly removal: %v", err)
	}
	e.tick()
	_, err := e.DescribeAuditTask(context.Background(), testAccount, old.ID)
	wantKind(t, err, iot.NotFound)
	_, err = e.DescribeAuditFinding(context.Background(), testAccount, oldFinding)
	wantKind(t, err, iot.NotFound)
	if n, _, err := e.countFindings(old.ID, certCheck); err != nil || n != 0 {
		t.Errorf("%d findings of the removed task remain (%v)", n, err)
	}
	if got := e.describe(recent.ID); got.Status != iot.AuditTaskCompleted || len(e.findings(recent.ID)) != 1 {
		t.Errorf("the recent task was touched: %+v", got)
	}
	// A restart removes at once what expired while down.
	e.closeFn()
	e.clock.Advance(Retention)
	e = reopen(t, e.dir, e.clock, e.ids, e.eval)
	_, err = e.DescribeAuditTask(context.Background(), testAccount, recent.ID)
	wantKind(t, err, iot.NotFound)
}
