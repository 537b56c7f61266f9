package audit

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// A check's counts are its distinct resources, however it reports them: a
// finding that repeats a resource and reason code is dropped, a resource with
// two reasons counts once, and the counts are the same whether or not any
// resource repeats (the reporter counts distinct resources itself; the store
// settles the others). The findings span several batches.
func TestCheckCountsResources(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, certCheck)
	if err := e.CreateAuditSuppression(context.Background(), testAccount, SuppressionRequest{CheckName: certCheck,
		Resource: iot.ResourceIdentifier{DeviceCertificateID: "bb"}, Indefinitely: ptr(true), ClientRequestToken: "s1"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name                     string
		reported                 string // resource and reason code of each finding
		nonCompliant, suppressed int64
		listed                   string
	}{
		{"distinct resources", "aa R1, bb R1, cc R2, dd R1, ee R1", 5, 1, "aa R1, bb R1, cc R2, dd R1, ee R1"},
		{"a repeated finding", "aa R1, bb R1, cc R1, aa R1, dd R1, aa R1, bb R1", 4, 1, "aa R1, bb R1, cc R1, dd R1"},
		{"a resource with two reasons", "aa R1, bb R1, bb R2, cc R1", 3, 1, "aa R1, bb R1, bb R2, cc R1"},
		{"none", "", 0, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var findings []check.Finding
			for _, f := range strings.Split(tc.reported, ", ") {
				if id, reason, ok := strings.Cut(f, " "); ok {
					findings = append(findings, certFinding(id, reason))
				}
			}
			e.eval.set(certCheck, examine(10, findings...))
			d := e.audit(certCheck)
			e.clock.Advance(time.Second)
			r := d.Checks[0]
			if r.NonCompliantResources != tc.nonCompliant || r.SuppressedResources != tc.suppressed || r.TotalResources != 10 {
				t.Errorf("counts %d non-compliant, %d suppressed, %d total; want %d, %d, 10",
					r.NonCompliantResources, r.SuppressedResources, r.TotalResources, tc.nonCompliant, tc.suppressed)
			}
			var listed []string
			for _, f := range e.findings(d.ID) {
				listed = append(listed, f.Resource.Identifier.DeviceCertificateID+" "+f.ReasonCode)
			}
			if diff := cmp.Diff(tc.listed, strings.Join(listed, ", ")); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
