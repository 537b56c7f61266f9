package iot

import (
	"regexp"
	"time"
)

// Account is an isolated tenant: every resource belongs to exactly one account,
// and an account never sees another's.
type Account struct {
	ID string // 12 digits
	// RegistrationCode is the account's stable CA registration code
	// (GetRegistrationCode).
	RegistrationCode string
	CreatedAt        time.Time
}

// AccessKey is a SigV4 key pair; it authenticates as its account.
type AccessKey struct {
	AccessKeyID     string
	SecretAccessKey string
	AccountID       string
	CreatedAt       time.Time
}

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// ValidAccountID reports whether id has the form of an AWS account id.
func ValidAccountID(id string) bool { return accountIDPattern.MatchString(id) }
