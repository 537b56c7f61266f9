package checks

import "github.com/iotdefender/iotdefender/internal/audit/check"

func init() {
	check.Register(check.NewUnsupported(check.Metadata{
		Name:         "IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK",
		Severity:     check.Critical,
		ResourceType: check.RoleAlias,
		ReasonCodes: []string{
			"ALLOWS_BROAD_ACCESS_TO_USED_SERVICES",
			"ALLOWS_ACCESS_TO_SECURITY_AUDITING_SERVICES",
			"ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS",
			"ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS",
			"ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS",
			"ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS",
		},
		MitigationActions: snsOnly,
		Unsupported: "iotdefender cannot run this check: it does not hold the IAM policies of the roles " +
			"behind role aliases, nor the services those roles used in the past year (IAM service last accessed data).",
	}))
}
