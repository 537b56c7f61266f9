package iot

import "time"

// Policy is an AWS IoT policy: a named set of versions, one of which (the
// default version) is in effect for the targets the policy is attached to.
type Policy struct {
	Name string
	// ARN is derived from the account, region and name; stores do not keep it.
	ARN string
	// DefaultVersionID is the version in effect.
	DefaultVersionID int
	// LastVersionID is the highest version id ever given: ids grow and are never
	// reused, even after the version that held one is deleted.
	LastVersionID int
	// GenerationID changes whenever the default version changes.
	GenerationID string
	CreatedAt    time.Time
	// UpdatedAt is when the default version last changed.
	UpdatedAt time.Time
}

// PolicyVersion is one immutable document of a policy.
type PolicyVersion struct {
	PolicyName string
	VersionID  int
	Document   string
	// IsDefault reports whether this is the policy's default version.
	IsDefault bool
	CreatedAt time.Time
	// Analysis is what the IoT-policy audit checks find in the document,
	// computed once when the version is created.
	Analysis PolicyAnalysis
}

// PolicyAnalysis is the result of analysing a policy document for the two
// IoT-policy audit checks.
type PolicyAnalysis struct {
	// BroadActions are the IoT data-plane actions the document allows on the
	// resources of other devices (IOT_POLICY_OVERLY_PERMISSIVE_CHECK).
	BroadActions []string
	// Misconfigurations are the IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK
	// findings, one per reason code.
	Misconfigurations []PolicyMisconfiguration
}

// PolicyMisconfiguration is one reason code of the potential-misconfiguration
// check with the finding's reasonForNonCompliance.
type PolicyMisconfiguration struct {
	ReasonCode string
	Message    string
}

// Policy limits.
const (
	// MaxPolicyVersions is how many versions a policy may have.
	MaxPolicyVersions = 5
	// MaxPoliciesPerTarget is how many policies may be attached to one target.
	MaxPoliciesPerTarget = 10
)

// PolicyTargetKind is the kind of thing a policy is attached to.
type PolicyTargetKind string

// Policy target kinds. Certificates and Cognito identities are principals;
// thing groups pass their policies to the things in them.
const (
	TargetCertificate     PolicyTargetKind = "cert"
	TargetThingGroup      PolicyTargetKind = "thinggroup"
	TargetCognitoIdentity PolicyTargetKind = "cognito"
)

// PolicyTarget is what a policy is attached to: a certificate ARN, a thing
// group ARN or an Amazon Cognito identity id.
type PolicyTarget struct {
	Target string
	Kind   PolicyTargetKind
}
