package policydoc

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The examples of the "AWS IoT policy potentially misconfigured" check page.
var (
	allowSubscribeBuilding = statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/building/*"`)
	denySubscribeHash      = statement("Deny", `"iot:Subscribe"`, `"`+arn+`topicfilter/building/control_room/#"`)
	denySubscribeStar      = statement("Deny", `"iot:Subscribe"`, `"`+arn+`topicfilter/building/control_room/*"`)
	allowReceiveBuilding   = statement("Allow", `"iot:Receive"`, `"`+arn+`topic/building/*"`)
	denyReceiveControlRoom = statement("Deny", `"iot:Receive"`, `"`+arn+`topic/building/control_room/*"`)
)

func TestMisconfigurations(t *testing.T) {
	wildcardsInDeny := func(resources ...StatementResource) []Misconfiguration {
		return []Misconfiguration{{ReasonCode: ReasonMQTTWildcardsInDeny, Resources: resources}}
	}
	bypassed := func(resources ...StatementResource) []Misconfiguration {
		return []Misconfiguration{{ReasonCode: ReasonDenyBypassedByWildcards, Resources: resources}}
	}
	tests := []struct {
		name     string
		document string
		want     []Misconfiguration
	}{
		// Published examples.
		{"MQTT wildcard in deny (published)", policy(allowSubscribeBuilding, denySubscribeHash, allowReceiveBuilding),
			wildcardsInDeny(StatementResource{1, arn + "topicfilter/building/control_room/#"})},
		{"deny bypassed by building/# (published)", policy(allowSubscribeBuilding, denySubscribeStar, allowReceiveBuilding),
			bypassed(StatementResource{1, arn + "topicfilter/building/control_room/*"})},
		{"properly configured (published fix of both)", policy(allowSubscribeBuilding, denySubscribeStar, allowReceiveBuilding, denyReceiveControlRoom), nil},

		// POLICY_CONTAINS_MQTT_WILDCARDS_IN_DENY_STATEMENT, edge cases.
		{"plus in a denied topic", policy(statement("Allow", `"iot:Publish"`, `"*"`), statement("Deny", `"iot:Publish"`, `"`+arn+`topic/building/+/alarm"`)),
			wildcardsInDeny(StatementResource{1, arn + "topic/building/+/alarm"})},
		{"hash in NotResource of a deny", policy(statement("Allow", `"iot:Publish"`, `"*"`),
			`{"Effect": "Deny", "Action": "iot:Publish", "NotResource": "`+arn+`topic/public/#"}`),
			wildcardsInDeny(StatementResource{1, arn + "topic/public/#"})},
		{"every offending resource, in document order", policy(
			statement("Deny", `"iot:Subscribe"`, `["`+arn+`topicfilter/a/#", "`+arn+`topicfilter/b"]`),
			statement("Deny", `"*"`, `["arn:aws:iot:*:*:topic*/c/+"]`)),
			wildcardsInDeny(StatementResource{0, arn + "topicfilter/a/#"}, StatementResource{1, "arn:aws:iot:*:*:topic*/c/+"})},
		{"hash in a denied client id", policy(statement("Deny", `"iot:Connect"`, `"`+arn+`client/#"`)), nil},
		{"hash in an allowed filter", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/building/#"`)), nil},
		{"hash in another service's resource", policy(statement("Deny", `"*"`, `"arn:aws:s3:::topic/#"`)), nil},

		// TOPIC_FILTERS_INTENDED_TO_DENY_ALLOWED_USING_WILDCARDS, edge cases.
		{"no wider filter allowed", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/building/lobby/*"`), denySubscribeStar, allowReceiveBuilding), nil},
		{"receive not allowed", policy(allowSubscribeBuilding, denySubscribeStar), nil},
		{"receive allowed on one denied topic only", policy(allowSubscribeBuilding, denySubscribeStar,
			statement("Allow", `"iot:Receive"`, `"`+arn+`topic/building/control_room/data1"`)),
			bypassed(StatementResource{1, arn + "topicfilter/building/control_room/*"})},
		{"receive denied on part of the subtree", policy(allowSubscribeBuilding, denySubscribeStar, allowReceiveBuilding,
			statement("Deny", `"iot:Receive"`, `"`+arn+`topic/building/control_room/door*"`)),
			bypassed(StatementResource{1, arn + "topicfilter/building/control_room/*"})},
		{"every filter allowed, # reaches the subtree", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/*"`), denySubscribeStar, allowReceiveBuilding),
			bypassed(StatementResource{1, arn + "topicfilter/building/control_room/*"})},
		{"every wider filter denied too", policy(allowSubscribeBuilding, denySubscribeStar, allowReceiveBuilding,
			statement("Deny", `"iot:Subscribe"`, `["`+arn+`topicfilter/#", "`+arn+`topicfilter/+*", "`+arn+`topicfilter/building/#", "`+arn+`topicfilter/building/+*"]`)),
			wildcardsInDeny(StatementResource{3, arn + "topicfilter/#"}, StatementResource{3, arn + "topicfilter/+*"},
				StatementResource{3, arn + "topicfilter/building/#"}, StatementResource{3, arn + "topicfilter/building/+*"})},
		{"a single plus level reaches a denied topic", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/building/+/data1"`),
			statement("Deny", `"iot:Subscribe"`, `"`+arn+`topicfilter/building/control_room/data1"`), allowReceiveBuilding),
			bypassed(StatementResource{1, arn + "topicfilter/building/control_room/data1"})},
		{"deny with a condition is taken to apply", policy(allowSubscribeBuilding,
			`{"Effect": "Deny", "Action": "iot:Subscribe", "Resource": "`+arn+`topicfilter/building/control_room/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}`,
			allowReceiveBuilding),
			bypassed(StatementResource{1, arn + "topicfilter/building/control_room/*"})},
		{"deny by NotAction covering subscribe", policy(allowSubscribeBuilding,
			`{"Effect": "Deny", "NotAction": "iot:Publish", "Resource": "`+arn+`topicfilter/building/control_room/*"}`, allowReceiveBuilding),
			bypassed(StatementResource{1, arn + "topicfilter/building/control_room/*"})},
		{"reserved topics are out of reach of leading wildcards", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/#"`),
			statement("Deny", `"iot:Subscribe"`, `"`+arn+`topicfilter/$aws/things/other/*"`),
			statement("Allow", `"iot:Receive"`, `"*"`)), nil},
		{"reserved topics reached by $aws/#", policy(statement("Allow", `"iot:Subscribe"`, `"`+arn+`topicfilter/$aws/*"`),
			statement("Deny", `"iot:Subscribe"`, `"`+arn+`topicfilter/$aws/things/other/*"`),
			statement("Allow", `"iot:Receive"`, `"*"`)),
			bypassed(StatementResource{1, arn + "topicfilter/$aws/things/other/*"})},
		{"both reason codes, in reason-code order", policy(allowSubscribeBuilding, denySubscribeStar, allowReceiveBuilding,
			statement("Deny", `"iot:Subscribe"`, `"`+arn+`topicfilter/building/lobby/#"`)),
			[]Misconfiguration{
				{ReasonCode: ReasonMQTTWildcardsInDeny, Resources: []StatementResource{{3, arn + "topicfilter/building/lobby/#"}}},
				{ReasonCode: ReasonDenyBypassedByWildcards, Resources: []StatementResource{{1, arn + "topicfilter/building/control_room/*"}}},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze(mustParse(t, tt.document)).Misconfigurations
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Misconfigurations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMisconfigurationMessage(t *testing.T) {
	tests := []struct {
		name string
		in   Misconfiguration
		want string
	}{
		{"MQTT wildcards in deny, resources once each",
			Misconfiguration{ReasonCode: ReasonMQTTWildcardsInDeny, Resources: []StatementResource{
				{1, arn + "topicfilter/building/control_room/#"}, {2, arn + "topic/a/+"}, {3, arn + "topic/a/+"}}},
			"Policy denies topics with MQTT wildcards (+ or #), which policies read as plain characters, so the deny does not cover the topics it seems to: " +
				"[arn:aws:iot:us-east-1:123456789012:topicfilter/building/control_room/#, arn:aws:iot:us-east-1:123456789012:topic/a/+]."},
		{"deny bypassed by wildcards",
			Misconfiguration{ReasonCode: ReasonDenyBypassedByWildcards, Resources: []StatementResource{{1, arn + "topicfilter/building/control_room/*"}}},
			"Policy denies subscribing to topic filters that a wider MQTT wildcard filter it allows still reaches, and does not deny receiving their messages: " +
				"[arn:aws:iot:us-east-1:123456789012:topicfilter/building/control_room/*]."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.in.Message()); diff != "" {
				t.Errorf("Message (-want +got):\n%s", diff)
			}
		})
	}
}
