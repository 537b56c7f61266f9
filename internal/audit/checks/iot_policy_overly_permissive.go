package checks

import (
	"strconv"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/policydoc"
)

// IOT_POLICY_OVERLY_PERMISSIVE_CHECK: the default version of a policy allows
// IoT data-plane actions on other devices' resources, as found by
// policydoc.Analyze when the version was created. Only default versions are
// evaluated [I]. The reason lists the offending actions, as AWS does.
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "IOT_POLICY_OVERLY_PERMISSIVE_CHECK",
		Severity:          check.Critical,
		ResourceType:      check.IoTPolicy,
		ReasonCodes:       []string{policydoc.ReasonBroadDataPlaneAccess},
		MitigationActions: policyActions,
	}, check.PolicyVersions, 0, func(s *check.Scope) check.Visitor[*iot.PolicyVersion] {
		return check.VisitFunc[*iot.PolicyVersion](func(v *iot.PolicyVersion) error {
			s.Report.Evaluated(1)
			if len(v.Analysis.BroadActions) > 0 {
				s.Report.NonCompliant(check.Finding{
					Resource:   policyVersion(v),
					ReasonCode: policydoc.ReasonBroadDataPlaneAccess,
					Reason:     policydoc.BroadAccessMessage(v.Analysis.BroadActions),
				})
			}
			return nil
		})
	}))
}

func policyVersion(v *iot.PolicyVersion) check.Resource {
	return check.Resource{Type: check.IoTPolicy, Identifier: iot.ResourceIdentifier{
		PolicyVersion: &iot.PolicyVersionIdentifier{PolicyName: v.PolicyName, PolicyVersionID: strconv.Itoa(v.VersionID)},
	}}
}
