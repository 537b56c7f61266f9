package apitest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"

	"github.com/iotdefender/iotdefender/internal/notify/snstest"
)

// TestAuditNotificationThroughSNS configures an SNS target on moto_server,
// runs an audit, and reads the completion notification back from an SQS
// queue subscribed to the topic.
func TestAuditNotificationThroughSNS(t *testing.T) {
	endpoint := snstest.Start(t)
	topic := snstest.Subscribe(t, endpoint, "audit-notifications")
	e := newAuditEnv(t, auditOptions{snsEndpoint: endpoint})
	c := e.Client
	_, err := c.UpdateAccountAuditConfiguration(ctx(t), &awsiot.UpdateAccountAuditConfigurationInput{
		RoleArn: aws.String(auditRole),
		AuditNotificationTargetConfigurations: map[string]types.AuditNotificationTarget{"SNS": {
			TargetArn: aws.String(topic.ARN), RoleArn: aws.String(auditRole), Enabled: true}},
		AuditCheckConfigurations: map[string]types.AuditCheckConfiguration{
			"LOGGING_DISABLED_CHECK":                             {Enabled: true},
			"AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK": {Enabled: true},
		}})
	if err != nil {
		t.Fatal(err)
	}
	id := startAudit(t, c, "LOGGING_DISABLED_CHECK", "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK")
	d := waitAudit(t, c, id)

	var n struct {
		AccountID               string `json:"accountId"`
		TaskID                  string `json:"taskId"`
		TaskStatus              string `json:"taskStatus"`
		TaskType                string `json:"taskType"`
		FailedChecksCount       int    `json:"failedChecksCount"`
		NonCompliantChecksCount int    `json:"nonCompliantChecksCount"`
		CompliantChecksCount    int    `json:"compliantChecksCount"`
		TotalChecksCount        int    `json:"totalChecksCount"`
		TaskStartTime           int64  `json:"taskStartTime"`
		AuditDetails            []struct {
			CheckName                  string `json:"checkName"`
			CheckRunStatus             string `json:"checkRunStatus"`
			NonCompliantResourcesCount int64  `json:"nonCompliantResourcesCount"`
			TotalResourcesCount        int64  `json:"totalResourcesCount"`
			Message                    string `json:"message"`
		} `json:"auditDetails"`
	}
	if err := json.Unmarshal([]byte(topic.Next(t, 15*time.Second)), &n); err != nil {
		t.Fatal(err)
	}
	if n.AccountID != firstAccount || n.TaskID != id || n.TaskStatus != "COMPLETED" || n.TaskType != "ON_DEMAND_AUDIT_TASK" ||
		n.TotalChecksCount != 2 || n.NonCompliantChecksCount != 1 || n.FailedChecksCount != 1 || n.CompliantChecksCount != 0 ||
		n.TaskStartTime != aws.ToTime(d.TaskStartTime).UnixMilli() || len(n.AuditDetails) != 2 {
		t.Fatalf("notification %+v", n)
	}
	if a := n.AuditDetails[1]; a.CheckName != "LOGGING_DISABLED_CHECK" || a.CheckRunStatus != "COMPLETED_NON_COMPLIANT" ||
		a.NonCompliantResourcesCount != 1 || a.TotalResourcesCount != 1 {
		t.Errorf("logging check in the notification %+v", a)
	}
	if a := n.AuditDetails[0]; a.CheckRunStatus != "FAILED" || a.Message == "" {
		t.Errorf("unsupported check in the notification %+v", a)
	}
}
