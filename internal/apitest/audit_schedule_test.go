package apitest

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"
)

// Scheduled audits through the SDK.

const auditARNPrefix = "arn:aws:iot:" + region + ":" + firstAccount + ":"

func TestScheduledAudits(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	const expiring = "DEVICE_CERTIFICATE_EXPIRING_CHECK"
	create := func(name string, in awsiot.CreateScheduledAuditInput) (*awsiot.CreateScheduledAuditOutput, error) {
		in.ScheduledAuditName = aws.String(name)
		if in.TargetCheckNames == nil {
			in.TargetCheckNames = []string{expiring}
		}
		return c.CreateScheduledAudit(ctx(t), &in)
	}
	_, err := create("too-soon", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyDaily})
	wantErr[*types.InvalidRequestException](t, err) // the check is not enabled
	enableChecks(t, c, expiring, "LOGGING_DISABLED_CHECK")

	out, err := create("weekly-certs", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyWeekly, DayOfWeek: types.DayOfWeekMon,
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("fleet")}}})
	if err != nil {
		t.Fatal(err)
	}
	arn := auditARNPrefix + "scheduledaudit/weekly-certs"
	if aws.ToString(out.ScheduledAuditArn) != arn {
		t.Errorf("ARN %s, want %s", aws.ToString(out.ScheduledAuditArn), arn)
	}
	got, err := c.DescribeScheduledAudit(ctx(t), &awsiot.DescribeScheduledAuditInput{ScheduledAuditName: aws.String("weekly-certs")})
	if err != nil || got.Frequency != types.AuditFrequencyWeekly || got.DayOfWeek != types.DayOfWeekMon || got.DayOfMonth != nil ||
		aws.ToString(got.ScheduledAuditArn) != arn || aws.ToString(got.ScheduledAuditName) != "weekly-certs" ||
		!cmp.Equal(got.TargetCheckNames, []string{expiring}) {
		t.Errorf("DescribeScheduledAudit %+v, %v", got, err)
	}

	for _, tc := range []struct {
		name string
		in   awsiot.CreateScheduledAuditInput
	}{
		{"daily with a weekday", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyDaily, DayOfWeek: types.DayOfWeekMon}},
		{"weekly without one", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyWeekly}},
		{"biweekly with a day of month", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyBiweekly, DayOfWeek: types.DayOfWeekFri, DayOfMonth: aws.String("3")}},
		{"monthly without a day", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyMonthly}},
		{"unknown check", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyDaily, TargetCheckNames: []string{"NOPE"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := create("bad", tc.in)
			wantErr[*types.InvalidRequestException](t, err)
		})
	}
	_, err = create("weekly-certs", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyDaily})
	if dup := wantErr[*types.ResourceAlreadyExistsException](t, err); aws.ToString(dup.ResourceArn) != arn {
		t.Errorf("conflict names %v", dup.ResourceArn)
	}

	upd, err := c.UpdateScheduledAudit(ctx(t), &awsiot.UpdateScheduledAuditInput{ScheduledAuditName: aws.String("weekly-certs"),
		Frequency: types.AuditFrequencyMonthly, DayOfMonth: aws.String("LAST"), TargetCheckNames: []string{"LOGGING_DISABLED_CHECK", expiring}})
	if err != nil || aws.ToString(upd.ScheduledAuditArn) != arn {
		t.Fatalf("UpdateScheduledAudit %v, %v", upd, err)
	}
	got, _ = c.DescribeScheduledAudit(ctx(t), &awsiot.DescribeScheduledAuditInput{ScheduledAuditName: aws.String("weekly-certs")})
	if got.Frequency != types.AuditFrequencyMonthly || aws.ToString(got.DayOfMonth) != "LAST" || got.DayOfWeek != "" || len(got.TargetCheckNames) != 2 {
		t.Errorf("updated %+v", got)
	}
	_, err = c.UpdateScheduledAudit(ctx(t), &awsiot.UpdateScheduledAuditInput{ScheduledAuditName: aws.String("weekly-certs"), DayOfWeek: types.DayOfWeekSun})
	wantErr[*types.InvalidRequestException](t, err)
	_, err = c.UpdateScheduledAudit(ctx(t), &awsiot.UpdateScheduledAuditInput{ScheduledAuditName: aws.String("missing"), Frequency: types.AuditFrequencyDaily})
	wantErr[*types.ResourceNotFoundException](t, err)

	for i := 1; i < 5; i++ {
		if _, err := create(fmt.Sprint("audit-", i), awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyDaily}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = create("sixth", awsiot.CreateScheduledAuditInput{Frequency: types.AuditFrequencyDaily})
	wantErr[*types.LimitExceededException](t, err)

	var names []string
	p := awsiot.NewListScheduledAuditsPaginator(c, &awsiot.ListScheduledAuditsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range page.ScheduledAudits {
			names = append(names, aws.ToString(a.ScheduledAuditName))
			if a.Frequency == "" || aws.ToString(a.ScheduledAuditArn) != auditARNPrefix+"scheduledaudit/"+aws.ToString(a.ScheduledAuditName) {
				t.Errorf("listed %+v", a)
			}
		}
	}
	if diff := cmp.Diff([]string{"audit-1", "audit-2", "audit-3", "audit-4", "weekly-certs"}, names); diff != "" {
		t.Errorf("ListScheduledAudits (-want +got):\n%s", diff)
	}

	other := e.otherAccount("210987654321")
	_, err = other.DescribeScheduledAudit(ctx(t), &awsiot.DescribeScheduledAuditInput{ScheduledAuditName: aws.String("weekly-certs")})
	wantErr[*types.ResourceNotFoundException](t, err)
	_, err = other.DeleteScheduledAudit(ctx(t), &awsiot.DeleteScheduledAuditInput{ScheduledAuditName: aws.String("weekly-certs")})
	wantErr[*types.ResourceNotFoundException](t, err)
	if out, err := other.ListScheduledAudits(ctx(t), &awsiot.ListScheduledAuditsInput{}); err != nil || len(out.ScheduledAudits) != 0 {
		t.Errorf("other account lists %+v, %v", out, err)
	}

	if _, err := c.DeleteScheduledAudit(ctx(t), &awsiot.DeleteScheduledAuditInput{ScheduledAuditName: aws.String("weekly-certs")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteScheduledAudit(ctx(t), &awsiot.DeleteScheduledAuditInput{ScheduledAuditName: aws.String("weekly-certs")})
	wantErr[*types.ResourceNotFoundException](t, err)
}
