package audit

import (
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// The look-back windows of the checks that read connection records
// (reference 2.2 and 4).
const (
	// onDemandLookBack is how far an on-demand audit, or a scheduled audit's
	// first run, looks back.
	onDemandLookBack = 31 * 24 * time.Hour
	// sharedCertificateLag is how long before a run the shared-certificate
	// check's window ends: its documented window is "from 31 days before the
	// audit (on demand) or 2 h before the previous run (scheduled), up to 2 h
	// before the check runs".
	sharedCertificateLag = 2 * time.Hour
)

// checkWindow is the Env.Window of a check in a task. The checks that read
// connections by principal (DEVICE_CERTIFICATE_SHARED_CHECK) get the lagged
// window; every other check (CONFLICTING_CLIENT_IDS_CHECK: "31 days before the
// audit, or since the previous run") gets the window up to the task's start.
// The lag is chosen by the data the check reads, the one fact the check
// contract gives about it.
func checkWindow(ch *check.Check, task iot.AuditTask) check.Window {
	lag := time.Duration(0)
	if ch.Reads() == check.ConnectionsByPrincipal {
		lag = sharedCertificateLag
	}
	w := check.Window{From: task.StartTime.Add(-onDemandLookBack), To: task.StartTime.Add(-lag)}
	if !task.PreviousRun.IsZero() {
		w.From = task.PreviousRun.Add(-lag)
	}
	return w
}
