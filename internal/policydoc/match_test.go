package policydoc

import "testing"

func TestMatchAction(t *testing.T) {
	tests := []struct {
		name            string
		pattern, action string
		want            bool
	}{
		{"exact", "iot:Connect", "iot:Connect", true},
		{"case ignored", "IOT:connect", "iot:Connect", true},
		{"other action", "iot:Connect", "iot:Publish", false},
		{"everything", "*", "iotjobsdata:UpdateJobExecution", true},
		{"service wildcard", "iot:*", "iot:UpdateThingShadow", true},
		{"service wildcard, other service", "iot:*", "iotjobsdata:UpdateJobExecution", false},
		{"prefix", "iot:Get*", "iot:GetThingShadow", true},
		{"prefix, case ignored", "iot:get*", "iot:GetPendingJobExecutions", true},
		{"prefix mismatch", "iot:Get*", "iot:UpdateThingShadow", false},
		{"infix", "iot:*Shadow", "iot:DeleteThingShadow", true},
		{"one character", "iot:?onnect", "iot:Connect", true},
		{"one character needs one", "iot:?Connect", "iot:Connect", false},
		{"prefix only", "iot:Connect", "iot:ConnectX", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchAction(tt.pattern, tt.action); got != tt.want {
				t.Errorf("MatchAction(%q, %q) = %v, want %v", tt.pattern, tt.action, got, tt.want)
			}
		})
	}
}

func TestMatchResource(t *testing.T) {
	vars := map[string]string{
		"iot:ClientId":                           "sensor-1",
		"iot:Connection.Thing.ThingName":         "sensor-1",
		"iot:Connection.Thing.Attributes[floor]": "3",
	}
	tests := []struct {
		name              string
		pattern, resource string
		want              bool
	}{
		{"exact", arn + "topic/a/b", arn + "topic/a/b", true},
		{"case counts", arn + "topic/A", arn + "topic/a", false},
		{"star crosses levels", arn + "topic/a/*", arn + "topic/a/b/c", true},
		{"star matches nothing", arn + "topic/a/*", arn + "topic/a/", true},
		{"question mark is one character", arn + "topic/a/?", arn + "topic/a/bc", false},
		{"question mark matches one", arn + "topic/a/??", arn + "topic/a/bc", true},
		{"plus is literal", arn + "topicfilter/a/+", arn + "topicfilter/a/b", false},
		{"plus matches itself", arn + "topicfilter/a/+", arn + "topicfilter/a/+", true},
		{"hash is literal", arn + "topicfilter/a/#", arn + "topicfilter/a/b/c", false},
		{"everything", "*", arn + "thing/x", true},
		{"wildcard region and account", "arn:aws:iot:*:*:client/c", arn + "client/c", true},
		{"client id variable", arn + "client/${iot:ClientId}", arn + "client/sensor-1", true},
		{"client id variable, other client", arn + "client/${iot:ClientId}", arn + "client/sensor-2", false},
		{"thing variable in topic", arn + "topic/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*", arn + "topic/$aws/things/sensor-1/shadow/update", true},
		{"attribute variable", arn + "topic/floor/${iot:Connection.Thing.Attributes[floor]}", arn + "topic/floor/3", true},
		{"variable without a value", arn + "topic/${iot:Certificate.Subject.CommonName}", arn + "topic/", false},
		{"variable without a value, under a star", arn + "topic/*${iot:Certificate.Subject.CommonName}", arn + "topic/x", false},
		{"escaped star is literal", arn + "topic/a${*}", arn + "topic/a*", true},
		{"escaped star does not match others", arn + "topic/a${*}", arn + "topic/ab", false},
		{"escaped question mark and dollar", arn + "topic/${?}${$}", arn + "topic/?$", true},
		{"unterminated variable is text", arn + "topic/${iot:ClientId", arn + "topic/${iot:ClientId", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchResource(tt.pattern, tt.resource, vars); got != tt.want {
				t.Errorf("MatchResource(%q, %q) = %v, want %v", tt.pattern, tt.resource, got, tt.want)
			}
		})
	}
}
