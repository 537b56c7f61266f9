package apitest

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awsiot "github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/audit/mitigation"
)

// mitigationFoundingExample is the describe-audit-mitigation-actions-task
// output of the AWS CLI documentation. The CLI prints startTime and endTime
// as ISO strings; the wire carries epoch seconds.
const mitigationFoundingExample = `{
    "taskStatus": "COMPLETED",
    "startTime": "2019-12-10T15:13:19.457000-08:00",
    "endTime": "2019-12-10T15:13:19.947000-08:00",
    "taskStatistics": {
        "IOT_POLICY_OVERLY_PERMISSIVE_CHECK": {
            "totalFindingsCount": 1,
            "failedFindingsCount": 0,
            "succeededFindingsCount": 1,
            "skippedFindingsCount": 0,
            "canceledFindingsCount": 0
        }
    },
    "target": {
        "findingIds": [
            "ef4826b8-e55a-44b9-b460-5c485355371b"
        ]
    },
    "auditCheckToActionsMapping": {
        "IOT_POLICY_OVERLY_PERMISSIVE_CHECK": [
            "ResetPolicyVersionAction"
        ]
    },
    "actionsDefinition": [
        {
            "name": "ResetPolicyVersionAction",
            "id": "1ea0b415-bef1-4a01-bd13-72fb63c59afb",
            "roleArn": "arn:aws:iam::123456789012:role/service-role/ReplacePolicyVersionRole",
            "actionParams": {
                "replaceDefaultPolicyVersionParams": {
                    "templateName": "BLANK_POLICY"
                }
            }
        }
    ]
}`

// waitMitigation polls a mitigation task until it leaves IN_PROGRESS.
func waitMitigation(t *testing.T, c *awsiot.Client, id string) *awsiot.DescribeAuditMitigationActionsTaskOutput {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := c.DescribeAuditMitigationActionsTask(ctx(t), &awsiot.DescribeAuditMitigationActionsTaskInput{TaskId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if out.TaskStatus != types.AuditMitigationActionsTaskStatusInProgress {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("mitigation task %s still in progress", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// permissivePolicy creates a policy that IOT_POLICY_OVERLY_PERMISSIVE_CHECK
// reports.
func permissivePolicy(t *testing.T, c *awsiot.Client, name string) {
	t.Helper()
	if _, err := c.CreatePolicy(ctx(t), &awsiot.CreatePolicyInput{PolicyName: aws.String(name),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:*","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
}

// TestDescribeAuditMitigationActionsTaskFoundingExample reproduces the
// founding example: a real audit finds an overly permissive policy, and a
// task resets it with a BLANK_POLICY action. The wire body must be the
// example's, field for field, but for the times and ids of this run; the
// policy must have really changed.
func TestDescribeAuditMitigationActionsTaskFoundingExample(t *testing.T) {
	e := newEnv(t)
	c := e.Client
	const check, policy = "IOT_POLICY_OVERLY_PERMISSIVE_CHECK", "smp-ggrass-group_Core-policy"
	permissivePolicy(t, c, policy)
	enableChecks(t, c, check)
	audit := startAudit(t, c, check)
	waitAudit(t, c, audit)
	findings, err := c.ListAuditFindings(ctx(t), &awsiot.ListAuditFindingsInput{TaskId: aws.String(audit)})
	if err != nil || len(findings.Findings) != 1 {
		t.Fatalf("findings of the audit: %+v, %v", findings, err)
	}
	finding := aws.ToString(findings.Findings[0].FindingId)
	action, err := c.CreateMitigationAction(ctx(t), &awsiot.CreateMitigationActionInput{ActionName: aws.String("ResetPolicyVersionAction"),
		RoleArn: aws.String("arn:aws:iam::123456789012:role/service-role/ReplacePolicyVersionRole"),
		ActionParams: &types.MitigationActionParams{ReplaceDefaultPolicyVersionParams: &types.ReplaceDefaultPolicyVersionParams{
			TemplateName: types.PolicyTemplateNameBlankPolicy}}})
	if err != nil {
		t.Fatal(err)
	}

	recorder := &bodyRecorder{}
	raw := awsiot.New(awsiot.Options{Region: region, BaseEndpoint: aws.String(e.url), Retryer: connectionRetryer(),
		Credentials: credentials.NewStaticCredentialsProvider(firstKeyID, firstSecret, ""),
		HTTPClient:  &http.Client{Transport: recorder}})
	before := time.Now()
	if _, err := raw.StartAuditMitigationActionsTask(ctx(t), &awsiot.StartAuditMitigationActionsTaskInput{
		TaskId: aws.String("ResetPolicyTask01"), Target: &types.AuditMitigationActionsTaskTarget{FindingIds: []string{finding}},
		AuditCheckToActionsMapping: map[string][]string{check: {"ResetPolicyVersionAction"}},
		ClientRequestToken:         aws.String("adhadhahda")}); err != nil {
		t.Fatal(err)
	}
	wantBody(t, recorder.last(), `{"taskId": "ResetPolicyTask01"}`, nil)
	waitMitigation(t, c, "ResetPolicyTask01")

	if _, err := raw.DescribeAuditMitigationActionsTask(ctx(t), &awsiot.DescribeAuditMitigationActionsTaskInput{
		TaskId: aws.String("ResetPolicyTask01")}); err != nil {
		t.Fatal(err)
	}
	wantBody(t, recorder.last(), mitigationFoundingExample, func(got, want map[string]any) {
		start, okStart := got["startTime"].(float64)
		end, okEnd := got["endTime"].(float64)
		if !okStart || !okEnd || start < float64(before.Unix()) || end < start || end > float64(time.Now().Unix()+1) {
			t.Errorf("startTime %v, endTime %v: want epoch seconds of this run, the end after the start", got["startTime"], got["endTime"])
		}
		got["startTime"], got["endTime"] = want["startTime"], want["endTime"]
		want["target"] = map[string]any{"findingIds": []any{finding}}
		want["actionsDefinition"].([]any)[0].(map[string]any)["id"] = aws.ToString(action.ActionId)
	})

	// list-audit-mitigation-actions-executions, in the example's shape.
	if _, err := raw.ListAuditMitigationActionsExecutions(ctx(t), &awsiot.ListAuditMitigationActionsExecutionsInput{
		TaskId: aws.String("ResetPolicyTask01"), FindingId: aws.String(finding)}); err != nil {
		t.Fatal(err)
	}
	wantBody(t, recorder.last(), `{"actionsExecutions": [{"taskId": "ResetPolicyTask01", "findingId": "F", "actionName": "ResetPolicyVersionAction",
		"actionId": "A", "status": "COMPLETED", "startTime": 0, "endTime": 0}]}`, func(got, want map[string]any) {
		x := want["actionsExecutions"].([]any)[0].(map[string]any)
		x["findingId"], x["actionId"] = finding, aws.ToString(action.ActionId)
		g := got["actionsExecutions"].([]any)[0].(map[string]any)
		if _, ok := g["startTime"].(float64); !ok {
			t.Errorf("execution startTime %v is not epoch seconds", g["startTime"])
		}
		x["startTime"], x["endTime"] = g["startTime"], g["endTime"]
	})

	// The policy really changed: a blank default version, compliant in the next audit.
	p, err := c.GetPolicy(ctx(t), &awsiot.GetPolicyInput{PolicyName: aws.String(policy)})
	if err != nil || aws.ToString(p.DefaultVersionId) != "2" || aws.ToString(p.PolicyDocument) != mitigation.BlankPolicyDocument {
		t.Errorf("policy after the task: version %s, document %s, %v", aws.ToString(p.DefaultVersionId), aws.ToString(p.PolicyDocument), err)
	}
	second := waitAudit(t, c, startAudit(t, c, check))
	if d := second.AuditDetails[check]; d.CheckRunStatus != types.AuditCheckRunStatusCompletedCompliant {
		t.Errorf("the next audit: %s, %d non-compliant", d.CheckRunStatus, aws.ToInt64(d.NonCompliantResourcesCount))
	}
}

// wantBody compares a JSON body with the expected one, after adjust has set
// what differs from run to run.
func wantBody(t *testing.T, body, expected string, adjust func(got, want map[string]any)) {
	t.Helper()
	var got, want map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("body %q: %v", body, err)
	}
	if err := json.Unmarshal([]byte(expected), &want); err != nil {
		t.Fatal(err)
	}
	if adjust != nil {
		adjust(got, want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
}
