package policydoc

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/iotdefender/iotdefender/internal/iot"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		name     string
		document string
		want     *Document
	}{
		{
			name: "strings become lists of one",
			document: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iot:Connect",
				"Resource": "arn:aws:iot:us-east-1:123456789012:client/sensor-1"}}`,
			want: &Document{Version: "2012-10-17", Statements: []Statement{{
				Effect: Allow, Action: []string{"iot:Connect"}, Resource: []string{arn + "client/sensor-1"},
			}}},
		},
		{
			name: "lists, NotAction, NotResource, Sid and Id",
			document: `{"Version": "2012-10-17", "Id": "fleet", "Statement": [
				{"Sid": "1", "Effect": "Deny", "NotAction": ["iot:Publish", "iot:Receive"], "NotResource": ["*"]},
				{"Effect": "Allow", "Action": ["iot:*", "*"], "Resource": ["arn:aws:iot:*:*:topic/a?", "*"]}]}`,
			want: &Document{Version: "2012-10-17", ID: "fleet", Statements: []Statement{
				{Sid: "1", Effect: Deny, NotAction: []string{"iot:Publish", "iot:Receive"}, NotResource: []string{"*"}},
				{Effect: Allow, Action: []string{"iot:*", "*"}, Resource: []string{"arn:aws:iot:*:*:topic/a?", "*"}},
			}},
		},
		{
			name: "conditions keep order and JSON text of numbers and booleans",
			document: policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*", "Condition": {
				"Bool": {"iot:Connection.Thing.IsAttached": true},
				"ForAnyValue:StringLike": {"iot:ClientId": ["a*", "b*"], "aws:SourceIp": "10.0.0.1"},
				"NumericLessThanIfExists": {"mqtt:keepalive": 1.5e3}}}`),
			want: &Document{Version: "2012-10-17", Statements: []Statement{{
				Effect: Allow, Action: []string{"iot:Connect"}, Resource: []string{"*"},
				Conditions: []Condition{
					{Operator: "Bool", Key: "iot:Connection.Thing.IsAttached", Values: []string{"true"}},
					{Operator: "ForAnyValue:StringLike", Key: "iot:ClientId", Values: []string{"a*", "b*"}},
					{Operator: "ForAnyValue:StringLike", Key: "aws:SourceIp", Values: []string{"10.0.0.1"}},
					{Operator: "NumericLessThanIfExists", Key: "mqtt:keepalive", Values: []string{"1.5e3"}},
				},
			}}},
		},
		{
			name:     "whitespace does not count towards the size limit",
			document: sizedPolicy(MaxDocumentLength) + strings.Repeat(" \n\t", 1000),
			want:     mustParse(t, sizedPolicy(MaxDocumentLength)),
		},
		{
			name: "resource with a colon inside a policy variable",
			document: policy(`{"Effect": "Allow", "Action": "iot:Publish",
				"Resource": "arn:aws:iot:us-east-1:123456789012:topic/${iot:ClientId}"}`),
			want: &Document{Version: "2012-10-17", Statements: []Statement{{
				Effect: Allow, Action: []string{"iot:Publish"}, Resource: []string{arn + "topic/${iot:ClientId}"},
			}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.document)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	allow := func(extra string) string {
		return policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"` + extra + `}`)
	}
	tests := []struct {
		name     string
		document string
		want     string // after "Policy document is Malformed: "
	}{
		{"empty", ``, `Invalid policy syntax.`},
		{"not JSON", `Version: 2012-10-17`, `Invalid policy syntax.`},
		{"unterminated", `{"Version": "2012-10-17"`, `Invalid policy syntax.`},
		{"data after the object", allow(``) + `{}`, `Invalid policy syntax.`},
		{"array at the top", `[]`, `the document must be a JSON object`},
		{"too long", sizedPolicy(MaxDocumentLength + 1), `the document has 2049 characters excluding whitespace, more than the 2048 allowed`},
		{"unknown top-level element", `{"Version": "2012-10-17", "Statment": []}`, `Statment is not a valid policy element`},
		{"Version missing", `{"Statement": {"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"}}`, `Version is missing`},
		{"Version 2008-10-17", strings.Replace(allow(``), "2012-10-17", "2008-10-17", 1), `Version must be "2012-10-17", not "2008-10-17"`},
		{"Version not a string", `{"Version": 2012}`, `Version must be a string`},
		{"Version twice", `{"Version": "2012-10-17", "Version": "2012-10-17"}`, `Version appears more than once`},
		{"Id not a string", `{"Version": "2012-10-17", "Id": 7}`, `Id must be a string`},
		{"Statement missing", `{"Version": "2012-10-17"}`, `Statement is missing`},
		{"Statement empty", `{"Version": "2012-10-17", "Statement": []}`, `Statement must be an object or a non-empty array of objects`},
		{"Statement a string", `{"Version": "2012-10-17", "Statement": "Allow"}`, `Statement must be an object or a non-empty array of objects`},
		{"Statement item not an object", policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "*"}`, `[]`), `Statement[1] must be an object`},
		{"Effect missing", policy(`{"Action": "iot:Connect", "Resource": "*"}`), `Statement[0].Effect is missing`},
		{"Effect lower case", policy(`{"Effect": "allow", "Action": "iot:Connect", "Resource": "*"}`), `Statement[0].Effect must be Allow or Deny, not "allow"`},
		{"Effect twice", policy(`{"Effect": "Allow", "Effect": "Deny", "Action": "iot:Connect", "Resource": "*"}`), `Statement[0].Effect appears more than once`},
		{"single statement named without index", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "*"}}`, `Statement must have exactly one of Action and NotAction`},
		{"Principal", allow(`, "Principal": "*"`), `Statement[0].Principal is not a valid policy element`},
		{"Sid not a string", allow(`, "Sid": 1`), `Statement[0].Sid must be a string`},
		{"Action and NotAction", allow(`, "NotAction": "iot:Publish"`), `Statement[0] must have exactly one of Action and NotAction`},
		{"Action empty array", policy(`{"Effect": "Allow", "Action": [], "Resource": "*"}`), `Statement[0].Action must be a string or a non-empty array of strings`},
		{"Action a number", policy(`{"Effect": "Allow", "Action": 1, "Resource": "*"}`), `Statement[0].Action must be a string or a non-empty array of strings`},
		{"Action list with a number", policy(`{"Effect": "Allow", "Action": ["iot:Connect", 1], "Resource": "*"}`), `Statement[0].Action must be a string or a non-empty array of strings`},
		{"invalid actions", policy(`{"Effect": "Allow", "Action": ["Connect", "iot:", "iot:Con nect", "*:Connect", "iot:a:b", "iot:Connect"], "Resource": "*"}`),
			`Statement[0].Action: The following actions are invalid : Connect, iot:, iot:Con nect, *:Connect, iot:a:b`},
		{"invalid NotAction", policy(`{"Effect": "Allow", "NotAction": "", "Resource": "*"}`), `Statement[0].NotAction: The following actions are invalid : `},
		{"neither Resource nor NotResource", policy(`{"Effect": "Allow", "Action": "iot:Connect"}`), `Statement[0] must have exactly one of Resource and NotResource`},
		{"Resource and NotResource", allow(`, "NotResource": "*"`), `Statement[0] must have exactly one of Resource and NotResource`},
		{"invalid resources", policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": ["\\", "topic/a", "arn:aws:iot:us-east-1:topic/a", "arn::iot:r:a:topic/a", "*"]}`),
			`Statement[0].Resource: The following resources are invalid : \, topic/a, arn:aws:iot:us-east-1:topic/a, arn::iot:r:a:topic/a`},
		{"Resource empty array", policy(`{"Effect": "Allow", "Action": "iot:Connect", "Resource": []}`), `Statement[0].Resource must be a string or a non-empty array of strings`},
		{"Condition not an object", allow(`, "Condition": []`), `Statement[0].Condition must be an object`},
		{"unknown condition operator", allow(`, "Condition": {"StringMatches": {"iot:ClientId": "a"}}`), `Statement[0].Condition: "StringMatches" is not a valid condition operator`},
		{"NullIfExists", allow(`, "Condition": {"NullIfExists": {"iot:ClientId": "true"}}`), `Statement[0].Condition: "NullIfExists" is not a valid condition operator`},
		{"unknown set prefix", allow(`, "Condition": {"ForSomeValues:StringLike": {"iot:ClientId": "a"}}`), `Statement[0].Condition: "ForSomeValues:StringLike" is not a valid condition operator`},
		{"empty operator block", allow(`, "Condition": {"Bool": {}}`), `Statement[0].Condition.Bool must be a non-empty object of condition keys`},
		{"operator block a string", allow(`, "Condition": {"Bool": "true"}`), `Statement[0].Condition.Bool must be a non-empty object of condition keys`},
		{"operator twice", allow(`, "Condition": {"Bool": {"a": "true"}, "Bool": {"b": "true"}}`), `Statement[0].Condition.Bool appears more than once`},
		{"condition key twice", allow(`, "Condition": {"Bool": {"a": "true", "a": "false"}}`), `Statement[0].Condition.Bool.a appears more than once`},
		{"empty condition key", allow(`, "Condition": {"Bool": {"": "true"}}`), `Statement[0].Condition.Bool has an empty condition key`},
		{"null condition value", allow(`, "Condition": {"Bool": {"a": null}}`), `Statement[0].Condition.Bool.a must be a string, number or boolean, or a non-empty array of them`},
		{"object condition value", allow(`, "Condition": {"Bool": {"a": {}}}`), `Statement[0].Condition.Bool.a must be a string, number or boolean, or a non-empty array of them`},
		{"empty condition values", allow(`, "Condition": {"Bool": {"a": []}}`), `Statement[0].Condition.Bool.a must be a string, number or boolean, or a non-empty array of them`},
		{"nested condition values", allow(`, "Condition": {"Bool": {"a": [["true"]]}}`), `Statement[0].Condition.Bool.a must be a string, number or boolean, or a non-empty array of them`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Parse(tt.document)
			if err == nil {
				t.Fatalf("Parse accepted the document: %+v", doc)
			}
			if !errors.Is(err, iot.MalformedPolicy) {
				t.Errorf("error kind = %v, want MalformedPolicy", iot.KindOf(err))
			}
			if diff := cmp.Diff("Policy document is Malformed: "+tt.want, err.Error()); diff != "" {
				t.Errorf("message (-want +got):\n%s", diff)
			}
		})
	}
}

// sizedPolicy returns a valid document of exactly n characters, whitespace
// not counted.
func sizedPolicy(n int) string {
	const head = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iot:Publish","Resource":"` + arn + `topic/`
	const tail = `"}}`
	return head + strings.Repeat("a", n-len(head)-len(tail)) + tail
}
