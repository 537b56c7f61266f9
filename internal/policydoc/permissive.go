package policydoc

import (
	"slices"
	"strings"
)

const (
	connectAction   = "iot:Connect"
	subscribeAction = "iot:Subscribe"
	receiveAction   = "iot:Receive"
)

// dataPlaneAction is an action IOT_POLICY_OVERLY_PERMISSIVE_CHECK looks at,
// with the resources that belong to no device in particular: a grant is broad
// when it reaches one of them.
type dataPlaneAction struct {
	name  string
	scope string // names broad, for memoizing
	broad []pattern
}

// dataPlaneActions is the read-only catalog, in the order findings list
// actions. Its first six follow AWS's published finding ("[iot:Subscribe,
// iot:Connect, iot:GetThingShadow, iot:DeleteThingShadow,
// iot:UpdateThingShadow, iot:Publish]"), so that the same policy gives the
// same text; the job-execution actions follow, under both the iot: names of
// the audit documentation and the iotjobsdata: names IoT Core now uses.
//
// iot:Receive is left out: a client only receives what it may subscribe to.
// So are the actions the audit documentation does not list
// (iot:RetainPublish, iot:GetRetainedMessage, iot:ListRetainedMessages,
// iot:ListNamedShadowsForThing, iot:DeleteConnection); the last three accept
// no resource but "*", so no policy could pass if they counted.
var dataPlaneActions = []dataPlaneAction{
	{subscribeAction, "topicfilter", slices.Concat(deviceSegment("topicfilter/$aws/things/"), mqttWildcardFilters())},
	connectBroadness(),
	onThings("iot:GetThingShadow"),
	onThings("iot:DeleteThingShadow"),
	onThings("iot:UpdateThingShadow"),
	{"iot:Publish", "topic", deviceSegment("topic/$aws/things/")},
	onThings("iot:DescribeJobExecution"),
	onThings("iot:GetPendingJobExecutions"),
	onThings("iot:StartNextPendingJobExecution"),
	onThings("iot:UpdateJobExecution"),
	onThings("iotjobsdata:DescribeJobExecution"),
	onThings("iotjobsdata:GetPendingJobExecutions"),
	onThings("iotjobsdata:StartNextPendingJobExecution"),
	onThings("iotjobsdata:UpdateJobExecution"),
}

// connectBroadness is iot:Connect's entry: client ids only a wildcard can
// produce.
func connectBroadness() dataPlaneAction {
	return dataPlaneAction{connectAction, "client", []pattern{concat(literal("client/"), pattern{anyRun, mark, anyRun})}}
}

// onThings is the entry of a shadow or job-execution action, whose resource
// is a thing: "thing/<name>" or, for a named shadow, "thing/<name>/<shadow>".
func onThings(name string) dataPlaneAction {
	return dataPlaneAction{name, "thing", deviceSegment("thing/")}
}

// deviceSegment returns the resources "<prefix><name>" and
// "<prefix><name>/..." whose name only a wildcard can produce (it holds mark).
func deviceSegment(prefix string) []pattern {
	name := concat(literal(prefix), pattern{runNoSlash, mark, runNoSlash})
	return []pattern{name, concat(name, literal("/"), pattern{anyRun})}
}

// mqttWildcardFilters returns the topic filters that, by MQTT's own
// wildcards, subscribe to the reserved topics of every thing: "$aws/#",
// "$aws/things/+/shadow/update", ... In a policy '+' and '#' are plain
// characters, so a policy grants these only by naming them or by a '*'.
func mqttWildcardFilters() []pattern {
	var filters []pattern
	for _, f := range []string{"$aws/#", "$aws/things/#", "$aws/+/#"} {
		filters = append(filters, literal("topicfilter/"+f))
	}
	for _, f := range []string{"$aws/things/+/", "$aws/+/+/"} {
		filters = append(filters, concat(literal("topicfilter/"+f), pattern{anyRun}))
	}
	return filters
}

// broadActions returns the data-plane actions granted beyond one device.
//
// A grant is broad when a wildcard stands where the device's own client id,
// thing name or $aws/things/<name> segment belongs, or for Subscribe when the
// policy allows an MQTT filter that spans things. Policy variables are one
// value fixed for the connection, so they do not widen a grant, with one
// exception: the client picks its own client id. ${iot:ClientId} therefore
// widens iot:Connect unless the statement requires
// iot:Connection.Thing.IsAttached to be true (AWS's rule), and widens the
// other actions when the policy's iot:Connect grant is itself broad, since a
// client may then connect under another device's name. Deny statements without
// conditions take their resources away first (an explicit Deny wins); one with
// a condition might not apply, so it takes nothing away.
func (a *analyzer) broadActions() []string {
	connectIsBroad := a.isBroad(connectBroadness(), true)
	var broad []string
	for _, action := range dataPlaneActions {
		// The client-id rule lets Connect be decided first, once.
		if a.isBroad(action, connectIsBroad || action.name == connectAction) {
			broad = append(broad, action.name)
		}
	}
	return broad
}

func (a *analyzer) isBroad(action dataPlaneAction, clientIDIsFree bool) bool {
	acc := a.access(action.name, clientIDIsFree, false)
	key := action.scope + ":" + acc.statements
	verdict, ok := a.verdicts[key]
	if !ok {
		verdict = acc.permitsSome(action.broad)
		a.verdicts[key] = verdict
	}
	return verdict
}

// BroadAccessMessage is the reasonForNonCompliance of an
// IOT_POLICY_OVERLY_PERMISSIVE_CHECK finding listing actions.
func BroadAccessMessage(actions []string) string {
	return "Policy allows broad access to IoT data plane actions: [" + strings.Join(actions, ", ") + "]."
}
