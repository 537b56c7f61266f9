// Package policydoc reads AWS IoT policy documents: Parse validates them as
// AWS IoT does before storing a policy version, MatchAction and MatchResource
// apply IAM's wildcard rules, and Analyze answers the two IoT-policy audit
// checks, IOT_POLICY_OVERLY_PERMISSIVE_CHECK and
// IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK.
//
// In IoT policies only '*' and '?' are wildcards; MQTT's '+' and '#' are
// plain characters. The analyses work on resources without their ARN header
// ("topic/a/b"): a policy only grants within its own account and region.
// Where AWS publishes no rule, the choices made are documented on the
// function that makes them (broadActions, mqttWildcardsInDeny,
// bypassableDenies).
package policydoc
