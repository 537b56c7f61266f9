package policydoc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// statement returns a JSON statement; actions and resources are JSON values.
func statement(effect, actions, resources string) string {
	return `{"Effect": "` + effect + `", "Action": ` + actions + `, "Resource": ` + resources + `}`
}

const isAttached = `"Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "true"}}`

var (
	shadowAndJobActions = `["iot:DeleteThingShadow", "iot:GetThingShadow", "iot:UpdateThingShadow",
		"iot:DescribeJobExecution", "iot:GetPendingJobExecutions", "iot:StartNextPendingJobExecution", "iot:UpdateJobExecution"]`
	allIoTActions = []string{
		"iot:Subscribe", "iot:Connect", "iot:GetThingShadow", "iot:DeleteThingShadow", "iot:UpdateThingShadow", "iot:Publish",
		"iot:DescribeJobExecution", "iot:GetPendingJobExecutions", "iot:StartNextPendingJobExecution", "iot:UpdateJobExecution",
	}
	allJobsDataActions = []string{
		"iotjobsdata:DescribeJobExecution", "iotjobsdata:GetPendingJobExecutions",
		"iotjobsdata:StartNextPendingJobExecution", "iotjobsdata:UpdateJobExecution",
	}
)

func TestBroadActions(t *testing.T) {
	connectAnyClient := statement("Allow", `"iot:Connect"`, `"`+arn+`client/*"`)
	connectOwnThing := `{"Effect": "Allow", "Action": "iot:Connect", "Resource": "` + arn + `client/${iot:Connection.Thing.ThingName}", ` + isAttached + `}`
	tests := []struct {
		name     string
		document string
		want     []string
	}{
		// iot:Connect, published examples.
		{"connect any client", policy(connectAnyClient), []string{"iot:Connect"}},
		{"connect as ${iot:ClientId} without IsAttached", policy(statement("Allow", `"iot:Connect"`, `"`+arn+`client/${iot:ClientId}"`)), []string{"iot:Connect"}},
		{"connect as the attached thing", policy(connectOwnThing), nil},
		// iot:Connect, edge cases.
		{"connect as ${iot:ClientId} with IsAttached", policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "` + arn + `client/${iot:ClientId}", ` + isAttached + `}`), nil},
		{"IsAttached as a list and a JSON boolean", policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "` + arn + `client/${iot:ClientId}",
			"Condition": {"Bool": {"iot:Connection.Thing.IsAttached": [true]}}}`), nil},
		{"IsAttached false", policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "` + arn + `client/${iot:ClientId}",
			"Condition": {"Bool": {"iot:Connection.Thing.IsAttached": "false"}}}`), []string{"iot:Connect"}},
		{"IsAttached if it exists", policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "` + arn + `client/${iot:ClientId}",
			"Condition": {"BoolIfExists": {"iot:Connection.Thing.IsAttached": "true"}}}`), []string{"iot:Connect"}},
		{"IsAttached does not narrow client/*", policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "` + arn + `client/*", ` + isAttached + `}`), []string{"iot:Connect"}},
		{"connect as listed clients", policy(statement("Allow", `"iot:Connect"`, `["`+arn+`client/sensor-1", "`+arn+`client/sensor-2"]`)), nil},
		{"connect under a client id prefix", policy(statement("Allow", `"iot:Connect"`, `"`+arn+`client/sensor-*"`)), []string{"iot:Connect"}},
		{"connect under one-character wildcards", policy(statement("Allow", `"iot:Connect"`, `"`+arn+`client/sensor-?"`)), []string{"iot:Connect"}},
		{"connect as a certificate field", policy(statement("Allow", `"iot:Connect"`, `"`+arn+`client/${iot:Certificate.Subject.CommonName}"`)), nil},
		{"connect after the thing name", policy(statement("Allow", `"iot:Connect"`, `"`+arn+`client/${iot:Connection.Thing.ThingName}*"`)), []string{"iot:Connect"}},
		{"escaped star is not a wildcard", policy(statement("Allow", `"iot:Connect"`, `"`+arn+`client/a${*}"`)), nil},
		{"any IoT resource of the account", policy(statement("Allow", `"iot:Connect"`, `"`+arn+`*"`)), []string{"iot:Connect"}},
		{"any region and account", policy(statement("Allow", `"iot:Connect"`, `"arn:aws:iot:*:*:client/*"`)), []string{"iot:Connect"}},
		{"resources of another service", policy(statement("Allow", `"*"`, `"arn:aws:s3:::bucket/*"`)), nil},

		// iot:Publish, published examples.
		{"publish to any thing's shadow update", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/*/shadow/update"`)), []string{"iot:Publish"}},
		{"publish to any thing's reserved topics", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/*"`)), []string{"iot:Publish"}},
		{"publish to the own shadow", policy(statement("Allow", `["iot:Publish"]`, `["`+arn+`topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*"]`)), nil},
		// iot:Publish, edge cases.
		{"publish to any topic", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/*"`)), []string{"iot:Publish"}},
		{"publish to a plain topic subtree", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/building/*"`)), nil},
		{"publish to one named thing", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/lamp/shadow/*"`)), nil},
		{"publish to things with a name prefix", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/lamp-*/shadow/update"`)), []string{"iot:Publish"}},
		{"publish with a literal plus", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/+/shadow/update"`)), nil},
		{"publish as the client id, connect narrow", policy(connectOwnThing, statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/${iot:ClientId}/shadow/*"`)), nil},
		{"publish as the client id, connect broad", policy(connectAnyClient, statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/${iot:ClientId}/shadow/*"`)), []string{"iot:Connect", "iot:Publish"}},
		{"publish as the client id, statement requires IsAttached", policy(connectAnyClient,
			`{"Effect": "Allow", "Action": "iot:Publish", "Resource": "`+arn+`topic/$aws/things/${iot:ClientId}/shadow/*", `+isAttached+`}`), []string{"iot:Connect"}},
		{"publish as the client id, no connect in the policy", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/${iot:ClientId}/shadow/*"`)), nil},

		// iot:Subscribe, published examples.
		{"subscribe to any thing's reserved topics", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/$aws/things/*"`)), []string{"iot:Subscribe"}},
		{"subscribe with the MQTT multi-level wildcard", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/$aws/things/#"`)), []string{"iot:Subscribe"}},
		{"subscribe with the MQTT single-level wildcard", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/$aws/things/+/shadow/update"`)), []string{"iot:Subscribe"}},
		{"subscribe to the own shadow and jobs", policy(statement("Allow", `["iot:Subscribe"]`,
			`["`+arn+`topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*", "`+arn+`topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*"]`)), nil},
		// iot:Subscribe, edge cases.
		{"subscribe to all of $aws", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/$aws/#"`)), []string{"iot:Subscribe"}},
		{"subscribe with plus for the things level", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/$aws/+/+/shadow/update"`)), []string{"iot:Subscribe"}},
		{"subscribe to # (MQTT keeps $ topics out)", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/#"`)), nil},
		{"subscribe to any filter", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/*"`)), []string{"iot:Subscribe"}},
		{"subscribe with plus inside the own shadow", policy(statement("Allow", `"iot:Subscribe"`,
			`"`+arn+`topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/+"`)), nil},

		// iot:Receive, published example.
		{"receive from any thing's reserved topics", policy(statement("Allow", `"iot:Receive"`, `"`+arn+`topic/$aws/things/*"`)), nil},

		// Shadow and job APIs, published examples.
		{"shadow and job APIs on any thing", policy(statement("Allow", shadowAndJobActions, `"`+arn+`thing/*"`)), []string{
			"iot:GetThingShadow", "iot:DeleteThingShadow", "iot:UpdateThingShadow",
			"iot:DescribeJobExecution", "iot:GetPendingJobExecutions", "iot:StartNextPendingJobExecution", "iot:UpdateJobExecution"}},
		{"shadow and job APIs on two things, as published", policy(statement("Allow", shadowAndJobActions,
			`["arn:aws:iot:region:account-id:/thing/MyThing1", "arn:aws:iot:region:account-id:/thing/MyThing2"]`)), nil},
		// Shadow and job APIs, edge cases.
		{"shadow APIs on two things", policy(statement("Allow", shadowAndJobActions, `["`+arn+`thing/MyThing1", "`+arn+`thing/MyThing2"]`)), nil},
		{"shadow APIs on the own thing and its named shadows", policy(statement("Allow", `"iot:*Shadow"`,
			`["`+arn+`thing/${iot:Connection.Thing.ThingName}", "`+arn+`thing/${iot:Connection.Thing.ThingName}/*"]`)), nil},
		{"one named shadow of every thing", policy(statement("Allow", `"iot:GetThingShadow"`, `"`+arn+`thing/*/config"`)), []string{"iot:GetThingShadow"}},
		{"job data actions under their own service", policy(statement("Allow", `"iotjobsdata:*"`, `"`+arn+`thing/*"`)), allJobsDataActions},

		// Action forms.
		{"iot:* on everything", policy(statement("Allow", `"iot:*"`, `"*"`)), allIoTActions},
		{"* on everything", policy(statement("Allow", `"*"`, `"*"`)), append(append([]string{}, allIoTActions...), allJobsDataActions...)},
		{"iot:Get* on everything", policy(statement("Allow", `"iot:Get*"`, `"*"`)), []string{"iot:GetThingShadow", "iot:GetPendingJobExecutions"}},
		{"action names ignore case", policy(statement("Allow", `["IOT:CONNECT", "iot:publish"]`, `"*"`)), []string{"iot:Connect", "iot:Publish"}},
		{"NotAction allows all other actions", policy(`{"Effect": "Allow", "NotAction": ["iot:Connect", "iot:*Job*", "iotjobsdata:*"], "Resource": "*"}`),
			[]string{"iot:Subscribe", "iot:GetThingShadow", "iot:DeleteThingShadow", "iot:UpdateThingShadow", "iot:Publish"}},
		{"NotResource allows all other resources", policy(`{"Effect": "Allow", "Action": "iot:Connect", "NotResource": "` + arn + `client/admin"}`), []string{"iot:Connect"}},
		{"NotResource naming only another service", policy(`{"Effect": "Allow", "Action": "iot:Connect", "NotResource": "arn:aws:s3:::b"}`), []string{"iot:Connect"}},
		{"a Greengrass core policy, as in AWS's published finding", policy(
			statement("Allow", `["iot:Publish", "iot:Subscribe", "iot:Connect", "iot:Receive"]`, `["*"]`),
			statement("Allow", `["iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"]`, `["*"]`),
			statement("Allow", `["greengrass:*"]`, `["*"]`)),
			[]string{"iot:Subscribe", "iot:Connect", "iot:GetThingShadow", "iot:DeleteThingShadow", "iot:UpdateThingShadow", "iot:Publish"}},

		// Deny statements.
		{"deny everything", policy(statement("Allow", `"iot:*"`, `"*"`), statement("Deny", `"*"`, `"*"`)), nil},
		{"deny the broad resource itself", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/*"`),
			statement("Deny", `"iot:Publish"`, `"arn:aws:iot:*:*:topic/$aws/things/*"`)), nil},
		{"deny the reserved topics out of topic/*", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/*"`),
			statement("Deny", `"iot:Publish"`, `"`+arn+`topic/$aws/*"`)), nil},
		{"deny part of the broad resource", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/*"`),
			statement("Deny", `"iot:Publish"`, `"`+arn+`topic/$aws/things/*/shadow/*"`)), []string{"iot:Publish"}},
		{"deny another action", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/*"`),
			statement("Deny", `"iot:Subscribe"`, `"*"`)), []string{"iot:Publish"}},
		{"deny with a condition may not apply", policy(statement("Allow", `"iot:Publish"`, `"`+arn+`topic/$aws/things/*"`),
			`{"Effect": "Deny", "Action": "iot:Publish", "Resource": "*", "Condition": {"StringEquals": {"iot:ClientId": "x"}}}`), []string{"iot:Publish"}},
		{"deny everything but the own client id", policy(connectAnyClient,
			`{"Effect": "Deny", "Action": "iot:Connect", "NotResource": "`+arn+`client/${iot:Connection.Thing.ThingName}"}`), nil},
		{"deny all but one other client id", policy(connectAnyClient,
			`{"Effect": "Deny", "Action": "iot:Connect", "NotResource": "`+arn+`client/admin-*"}`), []string{"iot:Connect"}},
		{"deny by NotAction", policy(connectAnyClient, `{"Effect": "Deny", "NotAction": "iot:Publish", "Resource": "*"}`), nil},
		{"deny the own thing only", policy(statement("Allow", `"iot:UpdateThingShadow"`, `"`+arn+`thing/*"`),
			statement("Deny", `"iot:UpdateThingShadow"`, `"`+arn+`thing/${iot:Connection.Thing.ThingName}"`)), []string{"iot:UpdateThingShadow"}},
		{"deny naming another service", policy(statement("Allow", `"iot:UpdateThingShadow"`, `"`+arn+`thing/*"`),
			statement("Deny", `"iot:UpdateThingShadow"`, `"arn:aws:s3:::thing/*"`)), []string{"iot:UpdateThingShadow"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze(mustParse(t, tt.document)).BroadActions
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("BroadActions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBroadAccessMessage(t *testing.T) {
	tests := []struct {
		name    string
		actions []string
		want    string
	}{
		{"two actions", []string{"iot:Subscribe", "iot:Connect"}, "Policy allows broad access to IoT data plane actions: [iot:Subscribe, iot:Connect]."},
		{"AWS's published finding", []string{"iot:Subscribe", "iot:Connect", "iot:GetThingShadow", "iot:DeleteThingShadow", "iot:UpdateThingShadow", "iot:Publish"},
			"Policy allows broad access to IoT data plane actions: [iot:Subscribe, iot:Connect, iot:GetThingShadow, iot:DeleteThingShadow, iot:UpdateThingShadow, iot:Publish]."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, BroadAccessMessage(tt.actions)); diff != "" {
				t.Errorf("BroadAccessMessage (-want +got):\n%s", diff)
			}
		})
	}
}
