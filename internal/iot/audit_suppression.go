package iot

import "time"

// AuditSuppression hides the findings of one check on one resource: they are
// still reported, marked suppressed, and do not make the check non-compliant.
type AuditSuppression struct {
	CheckName string
	Resource  ResourceIdentifier
	// Expiration is when the suppression stops applying; zero when it is
	// indefinite.
	Expiration   time.Time
	Indefinitely bool
	Description  string
	// ClientRequestToken is the token of the request that created it.
	ClientRequestToken string
}

// ActiveAt reports whether the suppression applies at t.
func (s AuditSuppression) ActiveAt(t time.Time) bool {
	return s.Indefinitely || t.Before(s.Expiration)
}
