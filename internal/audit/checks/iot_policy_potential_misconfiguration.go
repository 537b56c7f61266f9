package checks

import (
	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/policydoc"
)

// IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK: the default version of a policy
// denies with MQTT wildcards, or denies topic filters that a wider allowed
// filter still reaches, as found by policydoc.Analyze when the version was
// created. One finding per reason code found; resource IOT_POLICY [I].
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK",
		Severity:          check.Medium,
		ResourceType:      check.IoTPolicy,
		ReasonCodes:       []string{policydoc.ReasonMQTTWildcardsInDeny, policydoc.ReasonDenyBypassedByWildcards},
		MitigationActions: policyActions,
	}, check.PolicyVersions, 0, func(s *check.Scope) check.Visitor[*iot.PolicyVersion] {
		return check.VisitFunc[*iot.PolicyVersion](func(v *iot.PolicyVersion) error {
			s.Report.Evaluated(1)
			for _, m := range v.Analysis.Misconfigurations {
				s.Report.NonCompliant(check.Finding{Resource: policyVersion(v), ReasonCode: m.ReasonCode, Reason: m.Message})
			}
			return nil
		})
	}))
}
