package checks

import "github.com/iotdefender/iotdefender/internal/audit/check"

func init() {
	check.Register(check.NewUnsupported(check.Metadata{
		Name:              "IOT_ROLE_ALIAS_ALLOWS_ACCESS_TO_UNUSED_SERVICES_CHECK",
		Severity:          check.Medium,
		ResourceType:      check.RoleAlias,
		ReasonCodes:       []string{"ALLOWS_ACCESS_TO_UNUSED_SERVICES"},
		MitigationActions: snsOnly,
		Unsupported: "iotdefender cannot run this check: it does not hold the IAM policies of the roles " +
			"behind role aliases, nor the services those roles used in the past year (IAM service last accessed data).",
	}))
}
