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

// findingIDs lists the ids of every page of a ListAuditFindings request.
func (e *testEngine) findingIDs(account string, req ListFindingsRequest) []string {
	e.t.Helper()
	var ids []string
	for {
		page, next, err := e.ListAuditFindings(context.Background(), account, req)
		if err != nil {
			e.t.Fatal(err)
		}
		for _, f := range page {
			ids = append(ids, f.Resource.Identifier.Key()+" "+f.ReasonCode)
		}
		if next == "" {
			return ids
		}
		req.NextToken = next
	}
}

func TestListAuditFindings(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, certCheck, caCheck)
	ctx := context.Background()
	if err := e.CreateAuditSuppression(ctx, testAccount, SuppressionRequest{CheckName: certCheck,
		Resource: iot.ResourceIdentifier{DeviceCertificateID: "bb"}, Indefinitely: ptr(true), ClientRequestToken: "s1"}); err != nil {
		t.Fatal(err)
	}
	caFinding := check.Finding{Resource: check.Resource{Type: check.CACertificate, Identifier: iot.ResourceIdentifier{CACertificateID: "ca"}}, ReasonCode: "R1"}
	e.eval.set(certCheck, examine(3, certFinding("aa", "R1"), certFinding("bb", "R1")))
	e.eval.set(caCheck, examine(1, caFinding))
	first := e.audit(certCheck, caCheck).ID
	e.clock.Advance(time.Hour)
	e.eval.set(certCheck, examine(3, certFinding("aa", "R2")))
	second := e.audit(certCheck).ID
	e.clock.Advance(time.Hour)
	e.enable(otherAccount, certCheck)
	if _, err := e.StartOnDemandAuditTask(ctx, otherAccount, []string{certCheck}); err != nil {
		t.Fatal(err)
	}
	e.wait()
	for _, account := range []string{testAccount, otherAccount} {
		err := e.store.View(ctx, account, func(tx store.ReadTx) error {
			left, err := tx.UnindexedAuditChecks(ctx, 10)
			if len(left) > 0 {
				t.Errorf("%s: checks not indexed by resource once their audits completed: %v", account, left)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	from, to := t0, t0.Add(2*time.Hour)
	aa := iot.ResourceIdentifier{DeviceCertificateID: "AA"}
	for _, tc := range []struct {
		name string
		req  ListFindingsRequest
		want []string
	}{
		{"by task, check then resource", ListFindingsRequest{TaskID: first},
			[]string{"caCertificateId=ca R1", "deviceCertificateId=aa R1", "deviceCertificateId=bb R1"}},
		{"by task, one per page", ListFindingsRequest{TaskID: first, ListRequest: ListRequest{MaxResults: 1}},
			[]string{"caCertificateId=ca R1", "deviceCertificateId=aa R1", "deviceCertificateId=bb R1"}},
		{"by task and check", ListFindingsRequest{TaskID: first, CheckName: caCheck}, []string{"caCertificateId=ca R1"}},
		{"by window, newest first", ListFindingsRequest{From: &from, To: &to, ListRequest: ListRequest{MaxResults: 2}},
			[]string{"deviceCertificateId=aa R2", "deviceCertificateId=bb R1", "deviceCertificateId=aa R1", "caCertificateId=ca R1"}},
		{"by window and check", ListFindingsRequest{From: &from, To: &to, CheckName: certCheck},
			[]string{"deviceCertificateId=aa R2", "deviceCertificateId=bb R1", "deviceCertificateId=aa R1"}},
		{"by resource", ListFindingsRequest{From: &from, To: &to, Resource: &aa},
			[]string{"deviceCertificateId=aa R2", "deviceCertificateId=aa R1"}},
		{"suppressed only", ListFindingsRequest{From: &from, To: &to, Suppressed: ptr(true)}, []string{"deviceCertificateId=bb R1"}},
		{"unsuppressed only", ListFindingsRequest{TaskID: first, Suppressed: ptr(false)},
			[]string{"caCertificateId=ca R1", "deviceCertificateId=aa R1"}},
		{"second task", ListFindingsRequest{TaskID: second}, []string{"deviceCertificateId=aa R2"}},
		{"unknown task", ListFindingsRequest{TaskID: "ffff"}, nil},
		{"window before the audits", ListFindingsRequest{From: ptr(t0.Add(-time.Hour)), To: ptr(t0.Add(-time.Second))}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, e.findingIDs(testAccount, tc.req)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	if got := e.findingIDs(otherAccount, ListFindingsRequest{From: &from, To: ptr(e.clock.Now())}); len(got) != 1 {
		t.Errorf("the other account sees %v, want its one finding", got)
	}

	_, next, err := e.ListAuditFindings(ctx, testAccount, ListFindingsRequest{TaskID: first, ListRequest: ListRequest{MaxResults: 1}})
	if err != nil || next == "" {
		t.Fatalf("first page: %q, %v", next, err)
	}
	for _, tc := range []struct {
		name string
		req  ListFindingsRequest
	}{
		{"nothing", ListFindingsRequest{}},
		{"task and window", ListFindingsRequest{TaskID: first, From: &from, To: &to}},
		{"start without end", ListFindingsRequest{From: &from}},
		{"end before start", ListFindingsRequest{From: &to, To: &from}},
		{"unknown check", ListFindingsRequest{TaskID: first, CheckName: "NOPE"}},
		{"empty resource", ListFindingsRequest{TaskID: first, Resource: &iot.ResourceIdentifier{}}},
		{"token of another filter", ListFindingsRequest{TaskID: first, CheckName: certCheck, ListRequest: ListRequest{NextToken: next}}},
		{"token of another task", ListFindingsRequest{TaskID: second, ListRequest: ListRequest{NextToken: next}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := e.ListAuditFindings(ctx, testAccount, tc.req)
			wantKind(t, err, iot.InvalidRequest)
		})
	}
}

func TestDescribeAuditFindingAndRelated(t *testing.T) {
	e := newTestEngine(t)
	e.enable(testAccount, certCheck, noRelated)
	var related []check.Resource
	for i := range 23 {
		related = append(related, clientRelated(i))
	}
	issuer := check.Finding{Resource: check.Resource{Type: check.IssuerCertificate,
		Identifier: iot.ResourceIdentifier{IssuerCertificate: &iot.IssuerCertificateIdentifier{Subject: "CN=int", IssuerID: "ab", SerialNumber: "01"}}},
		ReasonCode: "R1", Reason: "revoked", Related: related}
	e.eval.set(certCheck, examine(1, certFinding("aa", "R1", related...)))
	e.eval.set(noRelated, examine(1, issuer))
	d := e.audit(certCheck, noRelated)
	ctx := context.Background()
	var certID, issuerID string
	for _, f := range e.findings(d.ID) {
		if f.CheckName == certCheck {
			certID = f.ID
		} else {
			issuerID = f.ID
			if f.Related != nil {
				t.Errorf("listed %s finding carries related resources", noRelated)
			}
		}
	}

	f, err := e.DescribeAuditFinding(ctx, testAccount, certID)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Related) != maxRelatedInFinding || f.Related[9].Identifier.ClientID != "client-09" {
		t.Errorf("described finding has %d related resources, want the first %d", len(f.Related), maxRelatedInFinding)
	}
	if f, err := e.DescribeAuditFinding(ctx, testAccount, issuerID); err != nil || f.Related != nil {
		t.Errorf("described %s finding: related %v, %v; want none", noRelated, f.Related, err)
	}
	_, err = e.DescribeAuditFinding(ctx, otherAccount, certID)
	wantKind(t, err, iot.NotFound)
	_, err = e.DescribeAuditFinding(ctx, testAccount, "00000000-0000-4000-8000-00000000ffff")
	wantKind(t, err, iot.NotFound)

	// Every related resource, paged, for both checks.
	for _, id := range []string{certID, issuerID} {
		var all []string
		req := ListRequest{MaxResults: 10}
		for {
			page, next, err := e.ListRelatedResourcesForAuditFinding(ctx, testAccount, id, req)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range page {
				all = append(all, r.Identifier.ClientID)
			}
			if next == "" {
				break
			}
			req.NextToken = next
		}
		if len(all) != 23 || all[0] != "client-00" || all[22] != "client-22" {
			t.Errorf("related resources of %s: %v", id, all)
		}
	}
	_, _, err = e.ListRelatedResourcesForAuditFinding(ctx, otherAccount, certID, ListRequest{})
	wantKind(t, err, iot.NotFound)
	_, next, _ := e.ListRelatedResourcesForAuditFinding(ctx, testAccount, certID, ListRequest{MaxResults: 5})
	_, _, err = e.ListRelatedResourcesForAuditFinding(ctx, testAccount, issuerID, ListRequest{NextToken: next})
	wantKind(t, err, iot.InvalidRequest)
}
