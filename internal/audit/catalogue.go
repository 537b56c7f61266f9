package audit

import (
	"sort"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// catalogue is the checks the engine knows, by name.
type catalogue struct {
	byName map[string]*check.Check
	sorted []*check.Check
}

func newCatalogue(checks []*check.Check) *catalogue {
	c := &catalogue{byName: map[string]*check.Check{}}
	for _, ch := range checks {
		c.byName[ch.Name] = ch
		c.sorted = append(c.sorted, ch)
	}
	sort.Slice(c.sorted, func(i, j int) bool { return c.sorted[i].Name < c.sorted[j].Name })
	return c
}

// formerNames are check names of older AWS documentation; they are refused
// [I], with a message naming the current name.
var formerNames = map[string]string{
	"REVOKED_CA_CERT_CHECK":                                      "REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK",
	"CA_CERT_APPROACHING_EXPIRATION_CHECK":                       "CA_CERTIFICATE_EXPIRING_CHECK",
	"DEVICE_CERT_APPROACHING_EXPIRATION_CHECK":                   "DEVICE_CERTIFICATE_EXPIRING_CHECK",
	"REVOKED_DEVICE_CERT_CHECK":                                  "REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK",
	"IOT_POLICY_UNRESTRICTED_CHECK":                              "IOT_POLICY_OVERLY_PERMISSIVE_CHECK",
	"AUTHENTICATED_COGNITO_IDENTITY_UNRESTRICTED_ACCESS_CHECK":   "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
	"UNAUTHENTICATED_COGNITO_IDENTITY_UNRESTRICTED_ACCESS_CHECK": "UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
	"AUTHENTICATE_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK":          "AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK",
}

// lookup returns the named check, or an InvalidRequest error naming it.
func (c *catalogue) lookup(name string) (*check.Check, error) {
	if ch, ok := c.byName[name]; ok {
		return ch, nil
	}
	if current, ok := formerNames[name]; ok && c.byName[current] != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "%s is a former name of an audit check; use %s.", name, current)
	}
	return nil, iot.Errorf(iot.InvalidRequest, "%q is not an audit check name. DescribeAccountAuditConfiguration lists the checks.", name)
}

// effectiveConfig is a check's configuration with its defaults applied.
func effectiveConfig(ch *check.Check, set map[string]int64) map[string]int64 {
	if len(ch.Config) == 0 {
		return nil
	}
	out := make(map[string]int64, len(ch.Config))
	for _, k := range ch.Config {
		out[k.Name] = k.Default
		if v, ok := set[k.Name]; ok {
			out[k.Name] = v
		}
	}
	return out
}

// identifierMembers names the ResourceIdentifier member that identifies each
// resource type (reference 2.1 and the suppression guide).
var identifierMembers = map[check.ResourceType]string{
	check.DeviceCertificate:   "deviceCertificateId",
	check.CACertificate:       "caCertificateId",
	check.IoTPolicy:           "policyVersionIdentifier",
	check.CognitoIdentityPool: "cognitoIdentityPoolId",
	check.ClientID:            "clientId",
	check.AccountSettings:     "account",
	check.RoleAlias:           "roleAliasArn",
	check.IAMRole:             "iamRoleArn",
	check.IssuerCertificate:   "issuerCertificateIdentifier",
}

// setMember returns the name of the one member of r that is set.
func setMember(r iot.ResourceIdentifier) string {
	switch {
	case r.DeviceCertificateID != "":
		return "deviceCertificateId"
	case r.CACertificateID != "":
		return "caCertificateId"
	case r.CognitoIdentityPoolID != "":
		return "cognitoIdentityPoolId"
	case r.ClientID != "":
		return "clientId"
	case r.PolicyVersion != nil:
		return "policyVersionIdentifier"
	case r.Account != "":
		return "account"
	case r.IAMRoleARN != "":
		return "iamRoleArn"
	case r.RoleAliasARN != "":
		return "roleAliasArn"
	case r.IssuerCertificate != nil:
		return "issuerCertificateIdentifier"
	case r.DeviceCertificateARN != "":
		return "deviceCertificateArn"
	}
	return ""
}

// checkResource validates the resource a suppression of ch names: exactly one
// member, the one of the check's resource type [I].
func checkResource(ch *check.Check, r iot.ResourceIdentifier) error {
	if n := r.MemberCount(); n != 1 {
		return iot.Errorf(iot.InvalidRequest, "resourceIdentifier must have exactly one member, not %d.", n)
	}
	want := identifierMembers[ch.ResourceType]
	if got := setMember(r); want != "" && got != want {
		return iot.Errorf(iot.InvalidRequest, "%s reports %s resources: name the resource by %s, not %s.",
			ch.Name, ch.ResourceType, want, got)
	}
	return nil
}
