package checks

import "github.com/iotdefender/iotdefender/internal/audit/check"

func init() {
	check.Register(check.NewUnsupported(check.Metadata{
		Name:         "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
		Severity:     check.Critical,
		ResourceType: check.CognitoIdentityPool,
		ReasonCodes: []string{
			"ALLOWS_BROAD_ACCESS_TO_IOT_THING_ADMIN_READ_ACTIONS",
			"ALLOWS_ACCESS_TO_IOT_NON_THING_ADMIN_ACTIONS",
			"ALLOWS_ACCESS_TO_IOT_THING_ADMIN_WRITE_ACTIONS",
		},
		MitigationActions: snsOnly,
		Unsupported: "iotdefender cannot run this check: it does not hold Amazon Cognito identity pools, " +
			"their authenticated roles, or the IAM policies of those roles.",
	}))
}
