package checks

import (
	"slices"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/iot"
)

const reasonSharedCertificate = "CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES"

// DEVICE_CERTIFICATE_SHARED_CHECK: connections authenticated with the same
// certificate and different client ids, open at the same time within the
// window. Each certificate with connection records in the window counts as
// evaluated.
//
// Sessions are rebuilt from the records [I]: a connection opens a session of
// its client id and session id, the disconnection with the same ones closes it,
// and a new connection of a client id ends that client id's open session (MQTT
// allows one). A disconnection without its connection in the window closes a
// session that began before the window; a connection without its
// disconnection is still open. Sessions touching at an instant (one ends when
// the other begins) are not concurrent.
//
// A finding lists every session of the certificate in the window as a CLIENT_ID
// related resource, newest first, with CONNECTION_TIME and DISCONNECTION_TIME
// in epoch milliseconds (each left out when outside the window), as AWS does.
func init() {
	check.Register(check.New(check.Metadata{
		Name:              "DEVICE_CERTIFICATE_SHARED_CHECK",
		Severity:          check.Critical,
		ResourceType:      check.DeviceCertificate,
		ReasonCodes:       []string{reasonSharedCertificate},
		MitigationActions: deviceCertificateActions,
	}, check.ConnectionsByPrincipal, 0, func(s *check.Scope) check.Visitor[*check.ConnectionGroup] {
		return check.VisitFunc[*check.ConnectionGroup](func(g *check.ConnectionGroup) error {
			s.Report.Evaluated(1)
			if oneClientID(g.Events) {
				return nil // the case of most certificates: no two client ids to overlap
			}
			sessions := rebuildSessions(g.Events)
			if !concurrentClients(sessions) {
				return nil
			}
			s.Report.NonCompliant(check.Finding{
				Resource:   deviceCertificate(g.Key),
				ReasonCode: reasonSharedCertificate,
				Reason:     "Certificate shared by one or more devices.",
				Related:    sessionResources(sessions),
			})
			return nil
		})
	}))
}

// session is one connection; a zero time is outside the window (before it
// for connected, still open for disconnected).
type session struct {
	clientID, sessionID     string
	connected, disconnected time.Time
}

// overlaps reports whether two sessions were open at a same instant.
func (s *session) overlaps(o *session) bool {
	return startsBeforeEnd(s, o) && startsBeforeEnd(o, s)
}

// startsBeforeEnd reports whether a began before b ended.
func startsBeforeEnd(a, b *session) bool {
	return a.connected.IsZero() || b.disconnected.IsZero() || a.connected.Before(b.disconnected)
}

// oneClientID reports whether every event has the same client id.
func oneClientID(events []iot.ConnectionEvent) bool {
	for _, e := range events[1:] {
		if e.ClientID != events[0].ClientID {
			return false
		}
	}
	return true
}

// rebuildSessions pairs a principal's connections and disconnections, given in
// time order.
func rebuildSessions(events []iot.ConnectionEvent) []*session {
	var sessions []*session
	open := map[string]*session{} // by client id
	for _, e := range events {
		current := open[e.ClientID]
		switch e.Type {
		case iot.Connected:
			if current != nil {
				current.disconnected = e.Timestamp
			}
			s := &session{clientID: e.ClientID, sessionID: e.SessionID, connected: e.Timestamp}
			sessions = append(sessions, s)
			open[e.ClientID] = s
		case iot.Disconnected:
			if current != nil && (current.sessionID == e.SessionID || current.sessionID == "" || e.SessionID == "") {
				current.disconnected = e.Timestamp
				delete(open, e.ClientID)
				continue
			}
			// Its connection came before the window.
			sessions = append(sessions, &session{clientID: e.ClientID, sessionID: e.SessionID, disconnected: e.Timestamp})
		}
	}
	return sessions
}

// concurrentClients reports whether sessions of two different client ids
// overlap: a sweep in start order, keeping the sessions still open.
func concurrentClients(sessions []*session) bool {
	byStart := slices.Clone(sessions)
	slices.SortStableFunc(byStart, func(a, b *session) int { return a.connected.Compare(b.connected) })
	var open []*session
	for _, s := range byStart {
		open = slices.DeleteFunc(open, func(o *session) bool { return !startsBeforeEnd(s, o) })
		for _, o := range open {
			if o.clientID != s.clientID && s.overlaps(o) {
				return true
			}
		}
		open = append(open, s)
	}
	return false
}

// sessionResources lists sessions as CLIENT_ID resources, newest first.
func sessionResources(sessions []*session) []check.Resource {
	newestFirst := slices.Clone(sessions)
	slices.SortStableFunc(newestFirst, func(a, b *session) int {
		if c := b.connected.Compare(a.connected); c != 0 {
			return c
		}
		return b.disconnected.Compare(a.disconnected)
	})
	resources := make([]check.Resource, 0, len(newestFirst))
	for _, s := range newestFirst {
		info := map[string]string{}
		if !s.connected.IsZero() {
			info["CONNECTION_TIME"] = epochMillis(s.connected)
		}
		if !s.disconnected.IsZero() {
			info["DISCONNECTION_TIME"] = epochMillis(s.disconnected)
		}
		resources = append(resources, check.Resource{Type: check.ClientID,
			Identifier: iot.ResourceIdentifier{ClientID: s.clientID}, AdditionalInfo: info})
	}
	return resources
}
