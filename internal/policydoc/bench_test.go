package policydoc

import "testing"

// benchmarkPolicies are documents of the shapes fleets use.
var benchmarkPolicies = []string{
	policy(
		statement("Allow", `["iot:Publish", "iot:Subscribe", "iot:Connect", "iot:Receive"]`, `["*"]`),
		statement("Allow", `["iot:GetThingShadow", "iot:UpdateThingShadow", "iot:DeleteThingShadow"]`, `["*"]`),
		statement("Allow", `["greengrass:*"]`, `["*"]`)),
	policy(
		`{"Effect": "Allow", "Action": "iot:Connect", "Resource": "`+arn+`client/${iot:Connection.Thing.ThingName}", `+isAttached+`}`,
		statement("Allow", `["iot:Publish", "iot:Receive"]`, `["`+arn+`topic/$aws/things/${iot:Connection.Thing.ThingName}/*", "`+arn+`topic/telemetry/${iot:ClientId}"]`),
		statement("Allow", `"iot:Subscribe"`, `["`+arn+`topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/shadow/*", "`+arn+`topicfilter/$aws/things/${iot:Connection.Thing.ThingName}/jobs/*"]`),
		statement("Allow", `["iot:GetThingShadow", "iot:UpdateThingShadow"]`, `"`+arn+`thing/${iot:Connection.Thing.ThingName}"`)),
	policy(allowSubscribeBuilding, denySubscribeStar, allowReceiveBuilding, denyReceiveControlRoom),
	policy(allowSubscribeBuilding, denySubscribeHash, allowReceiveBuilding),
	policy(statement("Allow", `"iot:*"`, `"*"`), statement("Deny", `"iot:*"`, `"arn:aws:iot:*:*:topic/$aws/things/*"`)),
	policy(statement("Allow", shadowAndJobActions, `["`+arn+`thing/MyThing1", "`+arn+`thing/MyThing2"]`)),
}

func BenchmarkAnalyze(b *testing.B) {
	docs := make([]*Document, len(benchmarkPolicies))
	for i, p := range benchmarkPolicies {
		docs[i] = mustParse(b, p)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Analyze(docs[i%len(docs)])
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := Parse(benchmarkPolicies[i%len(benchmarkPolicies)]); err != nil {
			b.Fatal(err)
		}
	}
}
