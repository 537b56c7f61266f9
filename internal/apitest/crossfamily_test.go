package apitest

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
)

// Deleting a thing group takes its policy attachments with it, so the policy can
// then be deleted.
func TestDeleteThingGroupDetachesItsPolicies(t *testing.T) {
	e := newEnv(t)
	c := ctx(t)
	group, err := e.Client.CreateThingGroup(c, &awsiot.CreateThingGroupInput{ThingGroupName: aws.String("floor-1")})
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Connect","Resource":"*"}]}`
	if _, err := e.Client.CreatePolicy(c, &awsiot.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.AttachPolicy(c, &awsiot.AttachPolicyInput{PolicyName: aws.String("p"), Target: group.ThingGroupArn}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.DeleteThingGroup(c, &awsiot.DeleteThingGroupInput{ThingGroupName: aws.String("floor-1")}); err != nil {
		t.Fatal(err)
	}
	targets, err := e.Client.ListTargetsForPolicy(c, &awsiot.ListTargetsForPolicyInput{PolicyName: aws.String("p")})
	if err != nil {
		t.Fatal(err)
	}
	if len(targets.Targets) != 0 {
		t.Errorf("targets after the group was deleted: %v", targets.Targets)
	}
	if _, err := e.Client.DeletePolicy(c, &awsiot.DeletePolicyInput{PolicyName: aws.String("p")}); err != nil {
		t.Errorf("DeletePolicy after its only target was deleted: %v", err)
	}
}

// A scheduled audit is taggable by its ARN, with the tags given at creation.
func TestScheduledAuditTags(t *testing.T) {
	e := newEnv(t)
	c := ctx(t)
	if _, err := e.Client.UpdateAccountAuditConfiguration(c, &awsiot.UpdateAccountAuditConfigurationInput{
		RoleArn:                  aws.String("arn:aws:iam::123456789012:role/audit"),
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{"LOGGING_DISABLED_CHECK": {Enabled: true}},
	}); err != nil {
		t.Fatal(err)
	}
	created, err := e.Client.CreateScheduledAudit(c, &awsiot.CreateScheduledAuditInput{
		ScheduledAuditName: aws.String("daily"), Frequency: types.AuditFrequencyDaily,
		TargetCheckNames: []string{"LOGGING_DISABLED_CHECK"},
		Tags:             []types.Tag{{Key: aws.String("team"), Value: aws.String("ops")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.TagResource(c, &awsiot.TagResourceInput{ResourceArn: created.ScheduledAuditArn, Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("prod")}}}); err != nil {
		t.Fatal(err)
	}
	tags, err := e.Client.ListTagsForResource(c, &awsiot.ListTagsForResourceInput{ResourceArn: created.ScheduledAuditArn})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tag := range tags.Tags {
		got[*tag.Key] = *tag.Value
	}
	if got["team"] != "ops" || got["env"] != "prod" || len(got) != 2 {
		t.Errorf("tags = %v, want team=ops and env=prod", got)
	}
}

// Certificates this installation issued are checked for revocation: its CA
// revokes by registry status, never by CRL, so its revocation list is known to
// be empty.
func TestOwnCertificatesAreCheckedForRevocation(t *testing.T) {
	e := newEnv(t)
	c := ctx(t)
	if _, err := e.Client.CreateKeysAndCertificate(c, &awsiot.CreateKeysAndCertificateInput{SetAsActive: true}); err != nil {
		t.Fatal(err)
	}
	const name = "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK"
	enableChecks(t, e.Client, name)
	task := waitAudit(t, e.Client, startAudit(t, e.Client, name))
	d := task.AuditDetails[name]
	if d.CheckRunStatus != types.AuditCheckRunStatusCompletedCompliant || aws.ToInt64(d.TotalResourcesCount) != 1 || d.Message != nil {
		t.Errorf("check = %s, total %d, message %q; want COMPLETED_COMPLIANT over 1 certificate, no message",
			d.CheckRunStatus, aws.ToInt64(d.TotalResourcesCount), aws.ToString(d.Message))
	}
}
