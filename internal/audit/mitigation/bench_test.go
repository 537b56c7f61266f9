package mitigation

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// BenchmarkDeactivate100000 runs a task that deactivates the 100,000 ACTIVE
// device certificates one audit found, one finding each, with the default
// chunk size; the fleet and the audit are loaded directly into the store.
// The target is at most 5 s per task. Findings in the order an audit reports
// them touch the certificates' pages a few at a time; in random order every
// chunk touches pages all over the certificates, and the task writes many
// more pages:
//
//	go test ./internal/audit/mitigation/ -run '^$' -bench Deactivate100000 -benchtime 1x
func BenchmarkDeactivate100000(b *testing.B) {
	b.Run("audit order", func(b *testing.B) { benchmarkDeactivate(b, auditOrder) })
	b.Run("random order", func(b *testing.B) { benchmarkDeactivate(b, slices.Clone[[]string]) })
}

func benchmarkDeactivate(b *testing.B, order func([]string) []string) {
	const n = 100_000
	for range b.N {
		b.StopTimer()
		e := newTestEnv(b, 0)
		certs := loadExpiringFleet(b, e, n, order)
		e.action("deactivate", deactivateDevice)
		b.StartTimer()
		start, cpu := time.Now(), cpuTime()
		task := e.run(fmt.Sprintf("deactivate-%d", time.Now().UnixNano()), iot.MitigationTaskTarget{AuditTaskID: auditID},
			map[string][]string{expiringCheck: {"deactivate"}})
		elapsed, cpuUsed := time.Since(start), cpuTime()-cpu
		b.StopTimer()
		if c := task.Statistics[expiringCheck]; task.Status != iot.MitigationTaskCompleted || c.Succeeded != n {
			b.Fatalf("task %s, %+v", task.Status, c)
		}
		if got := e.certificateStatus(certs[rand.IntN(n)]); got != iot.CertificateInactive {
			b.Fatalf("a certificate is %s after the task", got)
		}
		b.ReportMetric(elapsed.Seconds(), "s/task")
		b.ReportMetric(cpuUsed.Seconds(), "cpu-s/task")
		b.ReportMetric(float64(elapsed.Nanoseconds())/n, "ns/finding")
	}
}

// loadExpiringFleet stores n ACTIVE device certificates, ids in no order as
// real ones (SHA-256), and a finished audit of the expiring check with one
// finding per certificate, in the order order puts the certificates.
func loadExpiringFleet(b *testing.B, e *testEnv, n int, order func([]string) []string) []string {
	ctx := context.Background()
	random := rand.New(rand.NewPCG(1, 2))
	bulk := e.st.Bulk(ctx, testAccount)
	certs := make([]string, n)
	for i := range certs {
		certs[i] = fmt.Sprintf("%016x%016x%016x%016x", random.Uint64(), random.Uint64(), random.Uint64(), random.Uint64())
		if err := bulk.Certificate(iot.Certificate{ID: certs[i], Status: iot.CertificateActive, Mode: iot.CertificateModeDefault,
			DER: []byte{byte(i)}, CreatedAt: t0, LastModifiedAt: t0, CustomerVersion: 1, GenerationID: "g",
			X509: iot.X509Facts{NotBefore: t0, NotAfter: t0.Add(24 * time.Hour), KeyAlgorithm: "EC", KeyBits: 256}}); err != nil {
			b.Fatal(err)
		}
	}
	if err := bulk.Close(); err != nil {
		b.Fatal(err)
	}
	certs = order(certs)
	e.audit(auditID, expiringCheck)
	const batch = 5000
	for from := 0; from < n; from += batch {
		findings := make([]iot.AuditFinding, 0, batch)
		for i := from; i < min(from+batch, n); i++ {
			findings = append(findings, iot.AuditFinding{ID: fmt.Sprintf("%08x-0000-7000-8000-%012x", i/1000, i), TaskID: auditID,
				CheckName: expiringCheck, TaskStartTime: t0.Add(-time.Minute), FindingTime: t0.Add(-time.Minute + time.Duration(i/1000)*time.Millisecond),
				Severity: "MEDIUM", Resource: deviceResource(certs[i]), Reason: "The certificate expires in 3 days.",
				ReasonCode: "CERTIFICATE_APPROACHING_EXPIRATION"})
		}
		e.update(func(tx store.Tx) error { return tx.AddAuditFindings(ctx, findings) })
	}
	return certs
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// auditOrder returns certificate ids in the order an audit reports their
// findings: the audit reads the certificates in id order, in two halves at
// once, 512 at a time from each (internal/audit/evaluate).
func auditOrder(ids []string) []string {
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	halves := [2][]string{sorted[:len(sorted)/2], sorted[len(sorted)/2:]}
	out := make([]string, 0, len(ids))
	for len(halves[0])+len(halves[1]) > 0 {
		for i, h := range halves {
			n := min(512, len(h))
			out, halves[i] = append(out, h[:n]...), h[n:]
		}
	}
	return out
}
