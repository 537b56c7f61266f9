package apitest

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// Audit findings, with the real LOGGING_DISABLED_CHECK on an account without
// logging, and with a test check for related resources.

func certIdentifier(id string) iot.ResourceIdentifier {
	return iot.ResourceIdentifier{DeviceCertificateID: id}
}

// uuidPattern matches the finding ids: version 7 UUIDs, which grow with time.
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestAuditFindings(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	enableChecks(t, c, "LOGGING_DISABLED_CHECK")
	id := startAudit(t, c, "LOGGING_DISABLED_CHECK")
	d := waitAudit(t, c, id)
	details := d.AuditDetails["LOGGING_DISABLED_CHECK"]
	if details.CheckRunStatus != types.AuditCheckRunStatusCompletedNonCompliant || aws.ToInt64(details.NonCompliantResourcesCount) != 1 {
		t.Fatalf("logging check %+v", details)
	}

	byTask, err := c.ListAuditFindings(ctx(t), &awsiot.ListAuditFindingsInput{TaskId: aws.String(id)})
	if err != nil || len(byTask.Findings) != 1 {
		t.Fatalf("findings of the task: %+v, %v", byTask, err)
	}
	f := byTask.Findings[0]
	if !uuidPattern.MatchString(aws.ToString(f.FindingId)) || aws.ToString(f.TaskId) != id || aws.ToString(f.CheckName) != "LOGGING_DISABLED_CHECK" ||
		f.Severity != types.AuditFindingSeverityLow || aws.ToString(f.ReasonForNonComplianceCode) != "LOGGING_DISABLED" ||
		f.IsSuppressed == nil || *f.IsSuppressed || f.NonCompliantResource.ResourceType != types.ResourceTypeAccountSettings ||
		aws.ToString(f.NonCompliantResource.ResourceIdentifier.Account) != firstAccount ||
		!aws.ToTime(f.TaskStartTime).Equal(aws.ToTime(d.TaskStartTime)) || aws.ToTime(f.FindingTime).Before(aws.ToTime(f.TaskStartTime)) {
		t.Errorf("finding %+v", f)
	}
	described, err := c.DescribeAuditFinding(ctx(t), &awsiot.DescribeAuditFindingInput{FindingId: f.FindingId})
	if err != nil || aws.ToString(described.Finding.FindingId) != aws.ToString(f.FindingId) || aws.ToString(described.Finding.ReasonForNonCompliance) == "" {
		t.Errorf("DescribeAuditFinding %+v, %v", described, err)
	}

	start, end := aws.ToTime(d.TaskStartTime).Add(-time.Minute), time.Now().Add(time.Minute)
	for _, tc := range []struct {
		name string
		in   *awsiot.ListAuditFindingsInput
		want int
	}{
		{"window", &awsiot.ListAuditFindingsInput{StartTime: &start, EndTime: &end}, 1},
		{"window and check", &awsiot.ListAuditFindingsInput{StartTime: &start, EndTime: &end, CheckName: aws.String("LOGGING_DISABLED_CHECK")}, 1},
		{"resource", &awsiot.ListAuditFindingsInput{TaskId: aws.String(id), ResourceIdentifier: &types.ResourceIdentifier{Account: aws.String(firstAccount)}}, 1},
		{"another resource", &awsiot.ListAuditFindingsInput{TaskId: aws.String(id), ResourceIdentifier: &types.ResourceIdentifier{Account: aws.String("210987654321")}}, 0},
		// The Go SDK never sends listSuppressedFindings=false; the engine tests cover it.
		{"suppressed only", &awsiot.ListAuditFindingsInput{TaskId: aws.String(id), ListSuppressedFindings: true}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := c.ListAuditFindings(ctx(t), tc.in)
			if err != nil || len(out.Findings) != tc.want || out.Findings == nil {
				t.Errorf("%d findings (%v), want %d", len(out.Findings), err, tc.want)
			}
		})
	}
	for _, in := range []*awsiot.ListAuditFindingsInput{
		{},
		{TaskId: aws.String(id), StartTime: &start, EndTime: &end},
		{StartTime: &start},
		{TaskId: aws.String(id), NextToken: aws.String("forged")},
	} {
		_, err := c.ListAuditFindings(ctx(t), in)
		wantErr[*types.InvalidRequestException](t, err)
	}
	_, err = c.DescribeAuditFinding(ctx(t), &awsiot.DescribeAuditFindingInput{FindingId: aws.String("ef4826b8-e55a-44b9-b460-5c485355371b")})
	wantErr[*types.ResourceNotFoundException](t, err)

	other := e.otherAccount("210987654321")
	_, err = other.DescribeAuditFinding(ctx(t), &awsiot.DescribeAuditFindingInput{FindingId: f.FindingId})
	wantErr[*types.ResourceNotFoundException](t, err)
	if out, err := other.ListAuditFindings(ctx(t), &awsiot.ListAuditFindingsInput{TaskId: aws.String(id)}); err != nil || len(out.Findings) != 0 {
		t.Errorf("other account lists %+v, %v", out, err)
	}

	// Suppressed, the next audit still reports the finding but the check is compliant.
	if _, err := c.CreateAuditSuppression(ctx(t), &awsiot.CreateAuditSuppressionInput{CheckName: aws.String("LOGGING_DISABLED_CHECK"),
		ResourceIdentifier: &types.ResourceIdentifier{Account: aws.String(firstAccount)}, SuppressIndefinitely: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	second := startAudit(t, c, "LOGGING_DISABLED_CHECK")
	details = waitAudit(t, c, second).AuditDetails["LOGGING_DISABLED_CHECK"]
	if details.CheckRunStatus != types.AuditCheckRunStatusCompletedCompliant || !aws.ToBool(details.CheckCompliant) ||
		aws.ToInt64(details.NonCompliantResourcesCount) != 1 || aws.ToInt64(details.SuppressedNonCompliantResourcesCount) != 1 {
		t.Errorf("suppressed check %+v", details)
	}
	out, err := c.ListAuditFindings(ctx(t), &awsiot.ListAuditFindingsInput{TaskId: aws.String(second), ListSuppressedFindings: true})
	if err != nil || len(out.Findings) != 1 || !aws.ToBool(out.Findings[0].IsSuppressed) {
		t.Errorf("suppressed findings %+v, %v", out, err)
	}
}

func TestAuditFindingRelatedResources(t *testing.T) {
	e, eval := newFakeAuditEnv(t)
	c := e.Client
	enableChecks(t, c, fakeCertCheck)
	var related []check.Resource
	for i := range 23 {
		related = append(related, check.Resource{Type: check.ClientID, Identifier: iot.ResourceIdentifier{ClientID: fmt.Sprintf("client-%02d", i)},
			AdditionalInfo: map[string]string{"CONNECTION_TIME": fmt.Sprint(1560086374068 + i)}})
	}
	eval.set(fakeCertCheck, func(ctx context.Context, r check.Run) error {
		for i := range 30 { // one page of ListAuditFindings is not enough
			r.Report.NonCompliant(check.Finding{Resource: check.Resource{Type: check.DeviceCertificate,
				Identifier: certIdentifier(fmt.Sprintf("%064x", i))}, ReasonCode: "R1", Reason: "shared", Related: related})
		}
		return nil
	})
	id := startAudit(t, c, fakeCertCheck)
	waitAudit(t, c, id)

	var findings []types.AuditFinding
	p := awsiot.NewListAuditFindingsPaginator(c, &awsiot.ListAuditFindingsInput{TaskId: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Findings) > 25 {
			t.Errorf("a page of %d findings; the default is 25", len(page.Findings))
		}
		findings = append(findings, page.Findings...)
	}
	if len(findings) != 30 || len(findings[0].RelatedResources) != 10 {
		t.Fatalf("%d findings, first with %d related resources; want 30 with 10", len(findings), len(findings[0].RelatedResources))
	}
	described, err := c.DescribeAuditFinding(ctx(t), &awsiot.DescribeAuditFindingInput{FindingId: findings[0].FindingId})
	if err != nil || len(described.Finding.RelatedResources) != 10 {
		t.Fatalf("described finding: %v, %v", described, err)
	}
	first := described.Finding.RelatedResources[0]
	if first.ResourceType != types.ResourceTypeClientId || aws.ToString(first.ResourceIdentifier.ClientId) != "client-00" ||
		first.AdditionalInfo["CONNECTION_TIME"] != "1560086374068" {
		t.Errorf("first related resource %+v", first)
	}

	var all []string
	rp := awsiot.NewListRelatedResourcesForAuditFindingPaginator(c, &awsiot.ListRelatedResourcesForAuditFindingInput{
		FindingId: findings[0].FindingId, MaxResults: aws.Int32(10)})
	for rp.HasMorePages() {
		page, err := rp.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.RelatedResources {
			all = append(all, aws.ToString(r.ResourceIdentifier.ClientId))
		}
	}
	if len(all) != 23 || all[22] != "client-22" {
		t.Errorf("related resources %v", all)
	}
	_, err = c.ListRelatedResourcesForAuditFinding(ctx(t), &awsiot.ListRelatedResourcesForAuditFindingInput{FindingId: findings[0].FindingId, NextToken: aws.String("forged")})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.ListRelatedResourcesForAuditFinding(ctx(t), &awsiot.ListRelatedResourcesForAuditFindingInput{FindingId: aws.String("missing")})
	wantErr[*types.ResourceNotFoundException](t, err)
	other := e.otherAccount("210987654321")
	_, err = other.ListRelatedResourcesForAuditFinding(ctx(t), &awsiot.ListRelatedResourcesForAuditFindingInput{FindingId: findings[0].FindingId})
	wantErr[*types.ResourceNotFoundException](t, err)
}
