package audit

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

func certFindings(prefix string, n int) []check.Finding {
	var out []check.Finding
	for i := range n {
		out = append(out, certFinding(fmt.Sprintf("%s%02d", prefix, i), "R1"))
	}
	return out
}

// TestCrashRecovery stops an engine in the middle of an audit, after one
// check has committed and while another has written some batches, then
// starts a new engine on the same data directory.
func TestCrashRecovery(t *testing.T) {
	for _, tc := range []struct {
		name string
		// crash stops the first engine while certCheck is blocked.
		crash func(e *testEngine, release chan struct{})
	}{
		{"engine closed", func(e *testEngine, release chan struct{}) { e.closeFn() }},
		{"store closed under the running audit", func(e *testEngine, release chan struct{}) {
			e.store.Close()
			close(release) // the check finishes, but nothing can be written any more
			e.closeFn()
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTestEngine(t)
			e.enable(testAccount, caCheck, certCheck, policyCheck)
			caFinding := check.Finding{Resource: check.Resource{Type: check.CACertificate, Identifier: iot.ResourceIdentifier{CACertificateID: "ca"}}, ReasonCode: "R1"}
			e.eval.set(caCheck, examine(1, caFinding))
			reached, release := make(chan struct{}), make(chan struct{})
			e.eval.set(certCheck, blockAfter(reached, release, 10, certFindings("c", 10)...))
			id, err := e.StartOnDemandAuditTask(context.Background(), testAccount, []string{caCheck, certCheck, policyCheck})
			if err != nil {
				t.Fatal(err)
			}
			<-reached
			caIDs := findingIDsOf(e.findings(id))
			tc.crash(e, release)

			// What the crash left: the CA check committed, the certificate
			// check's first batches written but invisible.
			st, err := sqlite.Open(context.Background(), e.dir, sqlite.Options{})
			if err != nil {
				t.Fatal(err)
			}
			err = st.View(context.Background(), testAccount, func(tx store.ReadTx) error {
				task, err := tx.AuditTask(context.Background(), id)
				if err != nil || task.Status != iot.AuditTaskInProgress {
					t.Errorf("after the crash: task %+v, %v; want IN_PROGRESS", task, err)
				}
				results, _ := tx.AuditCheckResults(context.Background(), id)
				var states []iot.AuditCheckRunStatus
				for _, r := range results {
					states = append(states, r.Status)
				}
				if diff := cmp.Diff([]iot.AuditCheckRunStatus{iot.CheckNonCompliant, iot.CheckInProgress, iot.CheckInProgress}, states); diff != "" {
					t.Errorf("check states after the crash (-want +got):\n%s", diff)
				}
				// Ten findings make three batches of three: the first two were
				// written, the third was being written when the crash came.
				if n, _, _ := tx.CountAuditFindingResources(context.Background(), id, certCheck); n != 6 && n != 9 {
					t.Errorf("%d findings of the running check written before the crash, want 6 or 9", n)
				}
				return err
			})
			st.Close()
			if err != nil {
				t.Fatal(err)
			}

			e.eval.set(certCheck, examine(10, certFindings("c", 10)...))
			e = reopen(t, e.dir, e.clock, e.ids, e.eval)
			e.wait()
			d := e.describe(id)
			want := []iot.AuditCheckResult{
				{CheckName: caCheck, Status: iot.CheckNonCompliant, TotalResources: 1, NonCompliantResources: 1},
				{CheckName: certCheck, Status: iot.CheckNonCompliant, TotalResources: 10, NonCompliantResources: 10, Config: map[string]int64{thresholdKey: 30}},
				{CheckName: policyCheck, Status: iot.CheckCompliant},
			}
			if diff := cmp.Diff(want, d.Checks); diff != "" {
				t.Errorf("resumed checks (-want +got):\n%s", diff)
			}
			if d.Status != iot.AuditTaskCompleted || d.Resumes != 1 {
				t.Errorf("resumed task %s after %d resumes, want COMPLETED after 1", d.Status, d.Resumes)
			}
			findings := e.findings(id)
			if len(findings) != 11 {
				t.Errorf("%d findings, want 11 (1 CA + 10 certificates)", len(findings))
			}
			if got := findingIDsOf(findings[:1]); !cmp.Equal(caIDs, got) {
				t.Errorf("the committed check's findings changed: %v, want %v", got, caIDs)
			}
			if runs := len(e.eval.env(caCheck)); runs != 1 {
				t.Errorf("the committed check ran %d times, want once", runs)
			}
			if len(e.pub.all()) != 0 {
				t.Errorf("notification without a configured target: %v", e.pub.all())
			}
		})
	}
}

func findingIDsOf(findings []iot.AuditFinding) []string {
	var ids []string
	for _, f := range findings {
		ids = append(ids, f.ID)
	}
	return ids
}

// TestInterruptedTooOften: an audit that never survives its run ends FAILED
// instead of being resumed for ever.
func TestInterruptedTooOften(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, caCheck, certCheck)
	e.eval.set(caCheck, examine(1))
	reached := make(chan struct{})
	e.eval.set(certCheck, blockAfter(reached, make(chan struct{}), 1))
	id, err := e.StartOnDemandAuditTask(context.Background(), testAccount, []string{caCheck, certCheck})
	if err != nil {
		t.Fatal(err)
	}
	<-reached
	for range maxResumes {
		e.closeFn()
		reached = make(chan struct{})
		e.eval.set(certCheck, blockAfter(reached, make(chan struct{}), 1))
		e = reopen(t, e.dir, e.clock, e.ids, e.eval)
		<-reached
	}
	e.closeFn()
	e = reopen(t, e.dir, e.clock, e.ids, e.eval)
	e.wait()
	d := e.describe(id)
	if d.Status != iot.AuditTaskFailed || d.Checks[0].Status != iot.CheckCompliant || d.Checks[1].Status != iot.CheckFailed ||
		!strings.Contains(d.Checks[1].Message, "interrupted 4 times") {
		t.Errorf("task %s, checks %+v", d.Status, d.Checks)
	}
}
