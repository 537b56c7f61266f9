package audit

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func TestScheduledAuditLifecycle(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, caCheck, certCheck, policyCheck)
	ctx := context.Background()
	arn, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "weekly-certs", Frequency: iot.Weekly,
		DayOfWeek: "FRI", TargetChecks: []string{certCheck, caCheck, certCheck}, Tags: []iot.Tag{{Key: "team", Value: "fleet"}}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "arn:aws:iot:eu-west-1:123456789012:scheduledaudit/weekly-certs"; arn != want {
		t.Errorf("ARN %s, want %s", arn, want)
	}
	if diff := cmp.Diff([]iot.Tag{{Key: "team", Value: "fleet"}}, e.tags(arn)); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	got, err := e.DescribeScheduledAudit(ctx, testAccount, "weekly-certs")
	friday := day("2026-03-06")
	want := ScheduledAudit{ARN: arn, ScheduledAudit: iot.ScheduledAudit{Name: "weekly-certs", Frequency: iot.Weekly, DayOfWeek: "FRI",
		TargetChecks: []string{caCheck, certCheck}, CreatedAt: t0, Anchor: friday, NextRun: friday}}
	if diff := cmp.Diff(want, got); err != nil || diff != "" {
		t.Errorf("DescribeScheduledAudit (-want +got) err=%v:\n%s", err, diff)
	}

	// Changing only the checks keeps the schedule; a new frequency starts a new one.
	if _, err := e.UpdateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "weekly-certs", TargetChecks: []string{policyCheck}}); err != nil {
		t.Fatal(err)
	}
	got, _ = e.DescribeScheduledAudit(ctx, testAccount, "weekly-certs")
	want.TargetChecks = []string{policyCheck}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after a new target (-want +got):\n%s", diff)
	}
	if _, err := e.UpdateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "weekly-certs", Frequency: iot.Monthly, DayOfMonth: "LAST"}); err != nil {
		t.Fatal(err)
	}
	got, _ = e.DescribeScheduledAudit(ctx, testAccount, "weekly-certs")
	want.Frequency, want.DayOfWeek, want.DayOfMonth = iot.Monthly, "", "LAST"
	want.Anchor, want.NextRun = day("2026-03-31"), day("2026-03-31")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after a new frequency (-want +got):\n%s", diff)
	}
	// WEEKLY to BIWEEKLY keeps the day of the week.
	if _, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "w", Frequency: iot.Weekly, DayOfWeek: "MON", TargetChecks: []string{caCheck}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.UpdateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "w", Frequency: iot.Biweekly}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.DescribeScheduledAudit(ctx, testAccount, "w"); got.DayOfWeek != "MON" || !got.NextRun.Equal(day("2026-03-09")) {
		t.Errorf("biweekly from weekly: %s next %v", got.DayOfWeek, got.NextRun)
	}

	list, next, err := e.ListScheduledAudits(ctx, testAccount, ListRequest{MaxResults: 1})
	if err != nil || len(list) != 1 || list[0].Name != "w" || next == "" {
		t.Fatalf("first page: %v %q %v", list, next, err)
	}
	list, next, err = e.ListScheduledAudits(ctx, testAccount, ListRequest{MaxResults: 1, NextToken: next})
	if err != nil || len(list) != 1 || list[0].Name != "weekly-certs" || list[0].ARN != arn || next != "" {
		t.Fatalf("second page: %v %q %v", list, next, err)
	}
	if list, _, err := e.ListScheduledAudits(ctx, otherAccount, ListRequest{}); err != nil || len(list) != 0 {
		t.Errorf("the other account lists %v, %v", list, err)
	}
	_, err = e.DescribeScheduledAudit(ctx, otherAccount, "w")
	wantKind(t, err, iot.NotFound)
	wantKind(t, e.DeleteScheduledAudit(ctx, otherAccount, "w"), iot.NotFound)

	if err := e.DeleteScheduledAudit(ctx, testAccount, "weekly-certs"); err != nil {
		t.Fatal(err)
	}
	if tags := e.tags(arn); len(tags) != 0 {
		t.Errorf("tags left after delete: %v", tags)
	}
	wantKind(t, e.DeleteScheduledAudit(ctx, testAccount, "weekly-certs"), iot.NotFound)
	_, err = e.UpdateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "weekly-certs", Frequency: iot.Daily})
	wantKind(t, err, iot.NotFound)
}

func TestScheduledAuditValidation(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, caCheck)
	ctx := context.Background()
	if _, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "taken", Frequency: iot.Daily, TargetChecks: []string{caCheck}}); err != nil {
		t.Fatal(err)
	}
	checks := []string{caCheck}
	for _, tc := range []struct {
		name string
		req  ScheduledAuditRequest
		kind iot.Kind
		want string
	}{
		{"daily with a weekday", ScheduledAuditRequest{Frequency: iot.Daily, DayOfWeek: "MON"}, iot.InvalidRequest, "DAILY"},
		{"daily with a day of month", ScheduledAuditRequest{Frequency: iot.Daily, DayOfMonth: "1"}, iot.InvalidRequest, "DAILY"},
		{"weekly without a weekday", ScheduledAuditRequest{Frequency: iot.Weekly}, iot.InvalidRequest, "dayOfWeek"},
		{"biweekly with a bad weekday", ScheduledAuditRequest{Frequency: iot.Biweekly, DayOfWeek: "MONDAY"}, iot.InvalidRequest, "dayOfWeek"},
		{"weekly with a day of month", ScheduledAuditRequest{Frequency: iot.Weekly, DayOfWeek: "MON", DayOfMonth: "2"}, iot.InvalidRequest, "not dayOfMonth"},
		{"monthly without a day", ScheduledAuditRequest{Frequency: iot.Monthly}, iot.InvalidRequest, "dayOfMonth"},
		{"monthly day 0", ScheduledAuditRequest{Frequency: iot.Monthly, DayOfMonth: "0"}, iot.InvalidRequest, "dayOfMonth"},
		{"monthly day 32", ScheduledAuditRequest{Frequency: iot.Monthly, DayOfMonth: "32"}, iot.InvalidRequest, "dayOfMonth"},
		{"monthly day 01", ScheduledAuditRequest{Frequency: iot.Monthly, DayOfMonth: "01"}, iot.InvalidRequest, "dayOfMonth"},
		{"monthly with a weekday", ScheduledAuditRequest{Frequency: iot.Monthly, DayOfMonth: "LAST", DayOfWeek: "MON"}, iot.InvalidRequest, "not dayOfWeek"},
		{"unknown frequency", ScheduledAuditRequest{Frequency: "HOURLY"}, iot.InvalidRequest, "frequency"},
		{"no checks", ScheduledAuditRequest{Frequency: iot.Daily, TargetChecks: []string{}}, iot.InvalidRequest, "at least one"},
		{"disabled check", ScheduledAuditRequest{Frequency: iot.Daily, TargetChecks: []string{policyCheck}}, iot.InvalidRequest, policyCheck},
		{"unknown check", ScheduledAuditRequest{Frequency: iot.Daily, TargetChecks: []string{"NOPE"}}, iot.InvalidRequest, "NOPE"},
		{"reserved tag", ScheduledAuditRequest{Frequency: iot.Daily, Tags: []iot.Tag{{Key: "aws:x"}}}, iot.InvalidRequest, "reserved"},
		{"taken name", ScheduledAuditRequest{Name: "taken", Frequency: iot.Daily}, iot.AlreadyExists, "taken"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.req.Name == "" {
				tc.req.Name = "new"
			}
			if tc.req.TargetChecks == nil {
				tc.req.TargetChecks = checks
			}
			_, err := e.CreateScheduledAudit(ctx, testAccount, tc.req)
			wantKind(t, err, tc.kind)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message %q does not mention %q", err, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name string
		req  ScheduledAuditRequest
	}{
		{"a weekday for a daily audit", ScheduledAuditRequest{DayOfWeek: "MON"}},
		{"weekly without a weekday", ScheduledAuditRequest{Frequency: iot.Weekly}},
		{"a disabled check", ScheduledAuditRequest{TargetChecks: []string{policyCheck}}},
	} {
		t.Run("update: "+tc.name, func(t *testing.T) {
			tc.req.Name = "taken"
			_, err := e.UpdateScheduledAudit(ctx, testAccount, tc.req)
			wantKind(t, err, iot.InvalidRequest)
		})
	}

	for i := 1; i < MaxScheduledAudits; i++ {
		if _, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: fmt.Sprint("a", i), Frequency: iot.Daily, TargetChecks: checks}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.CreateScheduledAudit(ctx, testAccount, ScheduledAuditRequest{Name: "one-too-many", Frequency: iot.Daily, TargetChecks: checks})
	wantKind(t, err, iot.LimitExceeded)
	e.enable(otherAccount, caCheck)
	if _, err := e.CreateScheduledAudit(ctx, otherAccount, ScheduledAuditRequest{Name: "taken", Frequency: iot.Daily, TargetChecks: checks}); err != nil {
		t.Errorf("names and limits are per account: %v", err)
	}
}
