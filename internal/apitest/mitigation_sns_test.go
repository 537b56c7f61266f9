package apitest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/notify/snstest"
)

// TestMitigationPublishAndEnableLogging applies PUBLISH_FINDING_TO_SNS then
// ENABLE_IOT_LOGGING to the finding of a real LOGGING_DISABLED_CHECK: the
// finding is read back from an SQS queue subscribed to the topic on
// moto_server, and v2 logging is on.
func TestMitigationPublishAndEnableLogging(t *testing.T) {
	endpoint := snstest.Start(t)
	topic := snstest.Subscribe(t, endpoint, "mitigation-findings")
	e := newAuditEnv(t, auditOptions{snsEndpoint: endpoint})
	c := e.Client
	const check = "LOGGING_DISABLED_CHECK"
	enableChecks(t, c, check)
	audit := startAudit(t, c, check)
	waitAudit(t, c, audit)
	found, err := c.ListAuditFindings(ctx(t), &awsiot.ListAuditFindingsInput{TaskId: aws.String(audit)})
	if err != nil || len(found.Findings) != 1 {
		t.Fatalf("findings %+v, %v", found, err)
	}
	finding := found.Findings[0]
	notify, err := c.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String("notify"),
		RoleArn: aws.String(mitigationRole), ActionParams: &types.MitigationActionParams{
			PublishFindingToSnsParams: &types.PublishFindingToSnsParams{TopicArn: aws.String(topic.ARN)}}})
	if err != nil {
		t.Fatal(err)
	}
	const loggingRole = "arn:aws:iam::123456789012:role/logging"
	createAction(t, c, "enable-logging", &types.MitigationActionParams{EnableIoTLoggingParams: &types.EnableIoTLoggingParams{
		RoleArnForLogging: aws.String(loggingRole), LogLevel: types.LogLevelWarn}})

	if _, err := c.StartAuditMitigationActionsTask(ctx(t), &awsiot.StartAuditMitigationActionsTaskInput{TaskId: aws.String("notify-and-fix"),
		Target:                     &types.AuditMitigationActionsTaskTarget{AuditTaskId: aws.String(audit)},
		AuditCheckToActionsMapping: map[string][]string{check: {"notify", "enable-logging"}}}); err != nil {
		t.Fatal(err)
	}
	if d := waitMitigation(t, c, "notify-and-fix"); d.TaskStatus != types.AuditMitigationActionsTaskStatusCompleted {
		t.Fatalf("task %s, %+v", d.TaskStatus, d.TaskStatistics)
	}

	var message struct {
		AccountID  string `json:"accountId"`
		TaskID     string `json:"taskId"`
		ActionName string `json:"actionName"`
		ActionID   string `json:"actionId"`
		Finding    struct {
			FindingID            string  `json:"findingId"`
			TaskID               string  `json:"taskId"`
			CheckName            string  `json:"checkName"`
			TaskStartTime        float64 `json:"taskStartTime"`
			Severity             string  `json:"severity"`
			NonCompliantResource struct {
				ResourceType       string            `json:"resourceType"`
				ResourceIdentifier map[string]string `json:"resourceIdentifier"`
			} `json:"nonCompliantResource"`
			ReasonCode   string `json:"reasonForNonComplianceCode"`
			IsSuppressed bool   `json:"isSuppressed"`
		} `json:"finding"`
	}
	if err := json.Unmarshal([]byte(topic.Next(t, 15*time.Second)), &message); err != nil {
		t.Fatal(err)
	}
	f := message.Finding
	if message.AccountID != firstAccount || message.TaskID != "notify-and-fix" || message.ActionName != "notify" ||
		message.ActionID != aws.ToString(notify.ActionId) || f.FindingID != aws.ToString(finding.FindingId) || f.TaskID != audit ||
		f.CheckName != check || f.Severity != "LOW" || f.ReasonCode != "LOGGING_DISABLED" || f.IsSuppressed ||
		f.TaskStartTime != float64(aws.ToTime(finding.TaskStartTime).UnixMilli())/1000 ||
		!cmp.Equal(f.NonCompliantResource.ResourceIdentifier, map[string]string{"account": firstAccount}) {
		t.Errorf("published message %+v", message)
	}

	logging, err := c.GetV2LoggingOptions(ctx(t), &awsiot.GetV2LoggingOptionsInput{})
	if err != nil || aws.ToString(logging.RoleArn) != loggingRole || logging.DefaultLogLevel != types.LogLevelWarn || logging.DisableAllLogs {
		t.Errorf("v2 logging options after the task: %+v, %v", logging, err)
	}
	second := waitAudit(t, c, startAudit(t, c, check))
	if d := second.AuditDetails[check]; d.CheckRunStatus != types.AuditCheckRunStatusCompletedCompliant {
		t.Errorf("the next audit: %s", d.CheckRunStatus)
	}
}
