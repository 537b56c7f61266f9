package iot

import "time"

// AuditResource is the non-compliant resource of a finding, or one of its
// related resources.
type AuditResource struct {
	// Type is the model's ResourceType (DEVICE_CERTIFICATE, CLIENT_ID, ...).
	Type           string
	Identifier     ResourceIdentifier
	AdditionalInfo map[string]string
}

// AuditFinding is one non-compliant resource, for one reason, found by one
// check of one audit task.
type AuditFinding struct {
	ID            string
	TaskID        string
	CheckName     string
	TaskStartTime time.Time
	FindingTime   time.Time
	Severity      string
	Resource      AuditResource
	// Related holds the finding's related resources; listings may hold only
	// the first few of them.
	Related    []AuditResource
	Reason     string
	ReasonCode string
	// Suppressed is set when an active suppression matched the check and the
	// resource when the check reported it.
	Suppressed bool
}

// IsZero reports whether no member of the identifier is set.
func (r ResourceIdentifier) IsZero() bool { return r.Key() == "" }

// MemberCount returns how many members of the identifier are set.
func (r ResourceIdentifier) MemberCount() int {
	n := 0
	for _, set := range []bool{
		r.DeviceCertificateID != "", r.CACertificateID != "", r.CognitoIdentityPoolID != "",
		r.ClientID != "", r.PolicyVersion != nil, r.Account != "", r.IAMRoleARN != "",
		r.RoleAliasARN != "", r.IssuerCertificate != nil, r.DeviceCertificateARN != "",
	} {
		if set {
			n++
		}
	}
	return n
}
