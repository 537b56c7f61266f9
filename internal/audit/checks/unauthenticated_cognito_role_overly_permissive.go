package checks

import "github.com/iotdefender/iotdefender/internal/audit/check"

func init() {
	check.Register(check.NewUnsupported(check.Metadata{
		Name:              "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
		Severity:          check.Critical,
		ResourceType:      check.CognitoIdentityPool,
		ReasonCodes:       []string{"ALLOWS_ACCESS_TO_IOT_ADMIN_ACTIONS", "ALLOWS_BROAD_ACCESS_TO_IOT_DATA_PLANE_ACTIONS"},
		MitigationActions: snsOnly,
		Unsupported: "iotdefender cannot run this check: it does not hold Amazon Cognito identity pools, " +
			"their unauthenticated roles, or the IAM policies of those roles.",
	}))
}
