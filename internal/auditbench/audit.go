package auditbench

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"syscall"
	"time"

	"github.com/iotdefender/iotdefender/internal/app"
	"github.com/iotdefender/iotdefender/internal/audit"
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

// RoleARN is the role of the fleet's audit configuration.
const RoleARN = "arn:aws:iam::" + Account + ":role/iotbench-audit"

// Checks are the names of every check iotdefender runs (those it cannot run
// for lack of data are left out).
func Checks() []string {
	var names []string
	for _, c := range check.All() {
		if c.Unsupported == "" {
			names = append(names, c.Name)
		}
	}
	return names
}

// Result is one timed audit.
type Result struct {
	TaskID string
	// Wall runs from the StartOnDemandAuditTask call until the task is seen
	// COMPLETED (polled every pollInterval); EngineWall is the task's end time
	// less its start time, as the engine recorded them.
	Wall, EngineWall time.Duration
	// CPU is the user and system time of the process during the audit.
	CPU time.Duration
	// PeakRSS is the peak resident set size of the process during the audit
	// (VmHWM, reset just before the audit), in bytes. HWMReset is false when
	// the kernel refused the reset: PeakRSS is then the peak since the
	// process started.
	PeakRSS  int64
	HWMReset bool
	Checks   []iot.AuditCheckResult
	// Err is the error that ended the audit or its verification, "" for none.
	Err string `json:",omitempty"`
}

const pollInterval = 25 * time.Millisecond

// Runner is iotdefender started on a fleet's data directory as `serve`
// starts it, the HTTP listener aside.
type Runner struct {
	app  *app.App
	meta Meta
}

// Open starts iotdefender on the fleet in dir, with the fleet's weak-key
// blocklist and CRL fetching off (every CRL the audit needs is uploaded), and
// enables every check it can run.
func Open(ctx context.Context, dir string, log io.Writer) (*Runner, error) {
	meta, err := ReadMeta(dir)
	if err != nil {
		return nil, fmt.Errorf("no fleet in %s: %w", dir, err)
	}
	a, err := app.New(ctx, app.Config{DataDir: dir, Region: Region, Endpoint: "127.0.0.1:0", AccountID: Account,
		AccessKeyID: AccessKeyID, SecretAccessKey: SecretAccessKey, KeyPoolSize: -1,
		WeakKeyBlocklist: filepath.Join(dir, BlocklistFile), CRLFetch: certs.FetchOff,
		Log: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return nil, err
	}
	update := audit.ConfigurationUpdate{RoleARN: RoleARN, Checks: map[string]audit.CheckUpdate{}}
	for _, name := range Checks() {
		update.Checks[name] = audit.CheckUpdate{Enabled: true}
	}
	if err := a.Audit.UpdateAccountAuditConfiguration(ctx, Account, update); err != nil {
		a.Close()
		return nil, err
	}
	return &Runner{app: a, meta: meta}, nil
}

// Close stops iotdefender.
func (r *Runner) Close() error { return r.app.Close() }

// Clean removes the tasks of earlier audits in dir and their findings, so that
// every audit starts from the same store. A task left IN_PROGRESS by a run
// that was killed is canceled first: iotdefender would resume it beside the
// audit being measured.
func Clean(ctx context.Context, dir string) error {
	st, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		return err
	}
	err = st.Update(ctx, Account, func(tx store.Tx) error {
		left, err := tx.InProgressAuditTasks(ctx)
		if err != nil {
			return err
		}
		for _, t := range left {
			t.Status = iot.AuditTaskCanceled
			if err := tx.PutAuditTask(ctx, t); err != nil {
				return err
			}
		}
		_, err = tx.DeleteAuditTasksBefore(ctx, time.Now().Add(time.Hour))
		return err
	})
	return errors.Join(err, st.Close())
}

// Audit runs and times an on-demand audit of every check, and checks its
// counts against what the fleet planted.
func (r *Runner) Audit(ctx context.Context) (Result, error) {
	var res Result
	var err error
	runtime.GC()
	debug.FreeOSMemory()
	res.HWMReset = resetPeakRSS() == nil
	cpu := cpuTime()
	began := time.Now()
	res.TaskID, err = r.app.Audit.StartOnDemandAuditTask(ctx, Account, Checks())
	if err != nil {
		return res, err
	}
	var d audit.TaskDetails
	for {
		if d, err = r.app.Audit.DescribeAuditTask(ctx, Account, res.TaskID); err != nil {
			return res, err
		}
		if d.Status != iot.AuditTaskInProgress {
			break
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(pollInterval):
		}
	}
	res.Wall = time.Since(began)
	res.CPU = cpuTime() - cpu
	res.PeakRSS, err = peakRSS()
	if err != nil {
		return res, err
	}
	res.EngineWall = d.EndTime.Sub(d.StartTime)
	res.Checks = d.Checks
	if d.Status != iot.AuditTaskCompleted {
		return res, fmt.Errorf("the audit ended %s", d.Status)
	}
	return res, r.verify(ctx, res)
}

// verify compares an audit's counts with what the fleet planted, and the
// related resources of the revoked intermediate's finding with the device
// certificates under it.
func (r *Runner) verify(ctx context.Context, res Result) error {
	var errs []error
	seen := map[string]bool{}
	for _, c := range res.Checks {
		seen[c.CheckName] = true
		want := r.meta.Expected[c.CheckName]
		if !c.Status.Finished() || c.Status == iot.CheckFailed || c.Status == iot.CheckCanceled {
			errs = append(errs, fmt.Errorf("%s ended %s: %s", c.CheckName, c.Status, c.Message))
			continue
		}
		if c.TotalResources != want.Total || c.NonCompliantResources != want.NonCompliant {
			errs = append(errs, fmt.Errorf("%s: %d resources, %d non-compliant; planted %d, %d",
				c.CheckName, c.TotalResources, c.NonCompliantResources, want.Total, want.NonCompliant))
		}
	}
	for _, name := range Checks() {
		if !seen[name] {
			errs = append(errs, fmt.Errorf("%s did not run", name))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, r.verifyRelated(ctx, res.TaskID))
	}
	return errors.Join(errs...)
}

func (r *Runner) verifyRelated(ctx context.Context, taskID string) error {
	findings, _, err := r.app.Audit.ListAuditFindings(ctx, Account, audit.ListFindingsRequest{TaskID: taskID, CheckName: intermediateCheck})
	if err != nil || len(findings) == 0 {
		return err
	}
	related, req := 0, audit.ListRequest{MaxResults: 250}
	for {
		page, next, err := r.app.Audit.ListRelatedResourcesForAuditFinding(ctx, Account, findings[0].ID, req)
		if err != nil {
			return err
		}
		related += len(page)
		if next == "" {
			break
		}
		req.NextToken = next
	}
	if int64(related) != r.meta.RevokedIntermediateDevices {
		return fmt.Errorf("the revoked intermediate's finding has %d related device certificates, %d planted", related, r.meta.RevokedIntermediateDevices)
	}
	return nil
}

// Table writes an audit's counts by check as a Markdown table.
func (res Result) Table(w io.Writer, meta Meta) {
	fmt.Fprintln(w, "| check | status | resources | non-compliant | planted |")
	fmt.Fprintln(w, "| --- | --- | ---: | ---: | ---: |")
	checks := slices.Clone(res.Checks)
	slices.SortFunc(checks, func(a, b iot.AuditCheckResult) int { return cmp.Compare(a.CheckName, b.CheckName) })
	for _, c := range checks {
		want := meta.Expected[c.CheckName]
		fmt.Fprintf(w, "| %s | %s | %d | %d | %d / %d |\n", c.CheckName, c.Status, c.TotalResources, c.NonCompliantResources, want.NonCompliant, want.Total)
	}
}

// cpuTime is the CPU time the process has used.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// resetPeakRSS resets the process's VmHWM to its current resident set
// (Linux 4.0 and later).
func resetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS reads the process's VmHWM, in bytes.
func peakRSS() (int64, error) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(status) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte(" kB"))), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}
