package audit

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// BenchmarkAuditFindings measures what the engine adds to an audit of
// 1,000,000 device certificates of which 100,000 are non-compliant: building,
// batching and committing the findings, with the default batch size.
func BenchmarkAuditFindings(b *testing.B) {
	const examined, nonCompliant = 1_000_000, 100_000
	// Certificate ids in no order, as a scan of the certificates reads them.
	random := rand.New(rand.NewPCG(1, 2))
	findings := make([]check.Finding, nonCompliant)
	for i := range findings {
		id := fmt.Sprintf("%016x%016x%016x%016x", random.Uint64(), random.Uint64(), random.Uint64(), random.Uint64())
		findings[i] = check.Finding{
			Resource:   check.Resource{Type: check.DeviceCertificate, Identifier: iot.ResourceIdentifier{DeviceCertificateID: id}},
			ReasonCode: "CERTIFICATE_PAST_EXPIRATION", Reason: "The certificate has expired.",
		}
	}
	e := newTestEngine(b)
	e.closeFn()
	e = startEngine(b, e.dir, clock.NewFake(t0), &ids.Sequence{}, newFakeEvaluator(), 0)
	// Random ids and real time, as in production: finding ids grow with time.
	e.Engine.ids, e.Engine.clock = ids.Random{}, clock.Real{}
	e.enable(testAccount, certCheck)
	e.eval.set(certCheck, examine(examined, findings...))
	b.ResetTimer()
	for range b.N {
		id, err := e.StartOnDemandAuditTask(context.Background(), testAccount, []string{certCheck})
		if err != nil {
			b.Fatal(err)
		}
		e.wait()
		if d := e.describe(id); d.Checks[0].NonCompliantResources != nonCompliant {
			b.Fatalf("check %+v", d.Checks[0])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*nonCompliant), "ns/finding")
}
