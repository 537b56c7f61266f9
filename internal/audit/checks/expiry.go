package checks

import (
	"fmt"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
)

// Reason codes of the two expiring checks.
const (
	reasonApproachingExpiration = "CERTIFICATE_APPROACHING_EXPIRATION"
	reasonPastExpiration        = "CERTIFICATE_PAST_EXPIRATION"
)

// expiryFinding reports a certificate expired at now, or expiring within
// threshold of now. Expiry is compared with the audit's start time [I].
func expiryFinding(resource check.Resource, notAfter, now time.Time, threshold time.Duration) (check.Finding, bool) {
	switch {
	case !notAfter.After(now):
		return check.Finding{Resource: resource, ReasonCode: reasonPastExpiration,
			Reason: fmt.Sprintf("Certificate expired on %s.", notAfter.UTC().Format(time.RFC3339))}, true
	case !notAfter.After(now.Add(threshold)):
		return check.Finding{Resource: resource, ReasonCode: reasonApproachingExpiration,
			Reason: fmt.Sprintf("Certificate expires on %s, within %d days.", notAfter.UTC().Format(time.RFC3339), threshold/day)}, true
	}
	return check.Finding{}, false
}
