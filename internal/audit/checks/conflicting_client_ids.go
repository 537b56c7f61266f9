package checks

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

const reasonDuplicateClientID = "DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS"

// certificateID matches a certificate id: lifecycle events name a certificate
// principal by it.
var certificateID = regexp.MustCompile(`^[0-9a-f]{64}$`)

// CONFLICTING_CLIENT_IDS_CHECK: a client id whose connection was taken over
// within the window by another connection with the same client id (a
// disconnection for DUPLICATE_CLIENTID). The client ids with connection records
// in the window count as evaluated.
//
// Related resources [I]: one per takeover, newest first, naming the principal
// of the connection that was taken over as a DEVICE_CERTIFICATE (when it is a
// certificate id) with its DISCONNECTION_TIME in epoch milliseconds.
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "CONFLICTING_CLIENT_IDS_CHECK",
		Severity:          check.High,
		ResourceType:      check.ClientID,
		ReasonCodes:       []string{reasonDuplicateClientID},
		MitigationActions: snsOnly,
	}, check.TakeoversByClientID, 0, func(s *check.Scope) check.Visitor[*check.ConnectionGroup] {
		s.Report.Evaluated(int(s.ClientIDs))
		return check.VisitFunc[*check.ConnectionGroup](func(g *check.ConnectionGroup) error {
			s.Report.NonCompliant(check.Finding{
				Resource:   check.Resource{Type: check.ClientID, Identifier: iot.ResourceIdentifier{ClientID: g.Key}},
				ReasonCode: reasonDuplicateClientID,
				Reason:     fmt.Sprintf("Client id used by more than one connection: %d connections were taken over by another with the same client id.", len(g.Events)),
				Related:    takeoverResources(g.Events),
			})
			return nil
		})
	}))
}

// takeoverResources lists the principals of the connections taken over,
// newest first.
func takeoverResources(events []iot.ConnectionEvent) []check.Resource {
	var resources []check.Resource
	for _, e := range slices.Backward(events) {
		if !certificateID.MatchString(e.Principal) {
			continue
		}
		resources = append(resources, check.Resource{
			Type:           check.DeviceCertificate,
			Identifier:     iot.ResourceIdentifier{DeviceCertificateID: e.Principal},
			AdditionalInfo: map[string]string{"DISCONNECTION_TIME": epochMillis(e.Timestamp)},
		})
	}
	return resources
}
