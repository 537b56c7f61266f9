package audit

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

const testTopic = "arn:aws:sns:eu-west-1:123456789012:audits"

func (e *testEngine) notifyTo(enabled bool) {
	e.t.Helper()
	err := e.UpdateAccountAuditConfiguration(context.Background(), testAccount, ConfigurationUpdate{SNS: &iot.AuditNotificationTarget{
		TargetARN: testTopic, RoleARN: "arn:aws:iam::123456789012:role/sns", Enabled: enabled}})
	if err != nil {
		e.t.Fatal(err)
	}
}

func decodeJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("notification %q: %v", s, err)
	}
	return m
}

func TestCompletionNotification(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, certCheck, caCheck, missingCheck)
	e.notifyTo(true)
	ctx := context.Background()
	if err := e.CreateAuditSuppression(ctx, testAccount, SuppressionRequest{CheckName: certCheck, Resource: cert("bb"),
		Indefinitely: ptr(true), ClientRequestToken: "tok"}); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(t0.Add(434 * time.Millisecond))
	e.eval.set(certCheck, examine(6, certFinding("aa", "R1"), certFinding("bb", "R1")))
	d := e.audit(certCheck, caCheck, missingCheck)

	got := e.pub.all()
	if len(got) != 1 || got[0].topic != testTopic {
		t.Fatalf("published %v, want one message to %s", got, testTopic)
	}
	want := decodeJSON(t, `{
		"accountId": "123456789012",
		"taskId": "`+d.ID+`",
		"taskStatus": "COMPLETED",
		"taskType": "ON_DEMAND_AUDIT_TASK",
		"failedChecksCount": 1,
		"canceledChecksCount": 0,
		"nonCompliantChecksCount": 1,
		"compliantChecksCount": 1,
		"totalChecksCount": 3,
		"taskStartTime": 1772600767434,
		"auditDetails": [
			{"checkName": "TEST_CA_CERT_CHECK", "checkRunStatus": "COMPLETED_COMPLIANT",
			 "nonCompliantResourcesCount": 0, "suppressedNonCompliantResourcesCount": 0, "totalResourcesCount": 0},
			{"checkName": "TEST_DEVICE_CERT_CHECK", "checkRunStatus": "COMPLETED_NON_COMPLIANT",
			 "nonCompliantResourcesCount": 2, "suppressedNonCompliantResourcesCount": 1, "totalResourcesCount": 6},
			{"checkName": "TEST_UNSUPPORTED_CHECK", "checkRunStatus": "FAILED", "message": "iotdefender holds no such data",
			 "nonCompliantResourcesCount": 0, "suppressedNonCompliantResourcesCount": 0, "totalResourcesCount": 0}
		]
	}`)
	if diff := cmp.Diff(want, decodeJSON(t, got[0].message)); diff != "" {
		t.Errorf("notification (-want +got):\n%s", diff)
	}
}

func TestNotificationCases(t *testing.T) {
	t.Run("disabled target", func(t *testing.T) {
		e := newTestEngine(t)
		e.enable(testAccount, caCheck)
		e.notifyTo(false)
		e.audit(caCheck)
		if got := e.pub.all(); len(got) != 0 {
			t.Errorf("published %v", got)
		}
	})
	t.Run("publication fails: the task is still completed", func(t *testing.T) {
		e := newTestEngine(t)
		e.enable(testAccount, caCheck)
		e.notifyTo(true)
		e.pub.err = errors.New("topic does not exist")
		if d := e.audit(caCheck); d.Status != iot.AuditTaskCompleted || len(e.pub.all()) != 1 {
			t.Errorf("task %s, %d attempts", d.Status, len(e.pub.all()))
		}
	})
	t.Run("canceled", func(t *testing.T) {
		e := newTestEngine(t)
		e.enable(testAccount, caCheck)
		e.notifyTo(true)
		reached := make(chan struct{})
		e.eval.set(caCheck, blockAfter(reached, make(chan struct{}), 1))
		id, err := e.StartOnDemandAuditTask(context.Background(), testAccount, []string{caCheck})
		if err != nil {
			t.Fatal(err)
		}
		<-reached
		if err := e.CancelAuditTask(context.Background(), testAccount, id); err != nil {
			t.Fatal(err)
		}
		e.wait()
		got := e.pub.all()
		if len(got) != 1 {
			t.Fatalf("published %v", got)
		}
		m := decodeJSON(t, got[0].message)
		if m["taskStatus"] != "CANCELED" || m["canceledChecksCount"] != 1.0 {
			t.Errorf("notification %v", m)
		}
	})
	t.Run("scheduled", func(t *testing.T) {
		e := newTestEngine(t)
		e.enable(testAccount, caCheck)
		e.notifyTo(true)
		if _, err := e.CreateScheduledAudit(context.Background(), testAccount, ScheduledAuditRequest{Name: "nightly", Frequency: iot.Daily, TargetChecks: []string{caCheck}}); err != nil {
			t.Fatal(err)
		}
		e.clock.Set(day("2026-03-05"))
		e.tick()
		got := e.pub.all()
		if len(got) != 1 {
			t.Fatalf("published %v", got)
		}
		m := decodeJSON(t, got[0].message)
		if m["scheduledAuditName"] != "nightly" || m["taskType"] != "SCHEDULED_AUDIT_TASK" {
			t.Errorf("notification %v", m)
		}
	})
}
