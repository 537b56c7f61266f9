package iot

import "time"

// RoleAlias points devices at an IAM role whose temporary credentials the AWS
// IoT credentials provider hands out.
type RoleAlias struct {
	Alias string
	// ARN is derived from the account, region and alias; stores do not keep it.
	ARN     string
	RoleARN string
	// CredentialDurationSeconds is how long the credentials last.
	CredentialDurationSeconds int
	// Owner is the account that owns the alias.
	Owner     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// DefaultCredentialDuration is the credential lifetime of a role alias created
// without one, in seconds.
const DefaultCredentialDuration = 3600
