package checks

import (
	"fmt"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/iotdefender/iotdefender/internal/audit/check"
	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/policydoc"
)

// start is the fixed start of every fixture audit.
var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const weakFingerprint = "0123456789abcdef0123"

func fixtureScope(c *check.Check, r check.Reporter) *check.Scope {
	config := map[string]int64{}
	for _, k := range c.Config {
		config[k.Name] = k.Default
	}
	blocklist, err := certs.LoadWeakKeyBlocklist(strings.NewReader("# fixture\n" + weakFingerprint + "\n"))
	if err != nil {
		panic(err)
	}
	return &check.Scope{
		Env: check.Env{Account: "123456789012", Region: "us-east-1", Start: start, Config: config,
			Window: check.Window{From: start.Add(-31 * day), To: start.Add(-2 * time.Hour)}},
		Report:      r,
		WeakKeys:    blocklist,
		Revocations: fixtureRevocations(),
	}
}

// fixtureRevocations: CN=Root revoked serial bad, CN=Issuing CA revoked
// serials dead and beef; one distribution point could not be fetched.
func fixtureRevocations() *check.Revocations {
	lists := []check.RevocationList{
		{Issuer: "CN=Root", AuthorityKeyID: "aa", ThisUpdate: start.Add(-day), IsRevoked: listed("bad")},
		{Issuer: "CN=Issuing CA", AuthorityKeyID: "bb", ThisUpdate: start.Add(-2 * day), IsRevoked: listed("ba5e")},
		{Issuer: "CN=Issuing CA", AuthorityKeyID: "bb", ThisUpdate: start.Add(-day), IsRevoked: listed("dead", "beef")},
	}
	return check.NewRevocations(lists, []string{"http://crl.example/other.crl: HTTP status 404"})
}

func listed(serials ...string) func(string) bool {
	return func(s string) bool { return slices.Contains(serials, s) }
}

// facts returns the facts of a certificate issued by issuer.
func facts(serial, issuer, issuerKey string) iot.X509Facts {
	return iot.X509Facts{
		NotBefore: start.Add(-100 * day), NotAfter: start.Add(400 * day), KeyAlgorithm: "RSA", KeyBits: 2048,
		Subject: "CN=" + serial, Issuer: issuer, SerialHex: serial, AuthorityKeyID: issuerKey, SubjectKeyID: "k" + serial,
	}
}

func device(n int, f func(*iot.Certificate)) *iot.Certificate {
	c := &iot.Certificate{
		ID: fmt.Sprintf("%064x", n), Status: iot.CertificateActive, CreatedAt: start.Add(-100 * day),
		X509: facts(fmt.Sprintf("%x", n), "CN=Issuing CA", "bb"),
	}
	if f != nil {
		f(c)
	}
	return c
}

func ca(n int, f func(*iot.CACertificate)) *iot.CACertificate {
	c := &iot.CACertificate{ID: fmt.Sprintf("ca%062x", n), Status: iot.CACertificateActive, X509: facts(fmt.Sprintf("c%x", n), "CN=Root", "aa")}
	if f != nil {
		f(c)
	}
	return c
}

func devices(ids ...int) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for _, id := range ids {
			if !yield(fmt.Sprintf("%064x", id), nil) {
				return
			}
		}
	}
}

func event(client, session string, at time.Duration, typ iot.ConnectionEventType, principal, reason string) iot.ConnectionEvent {
	return iot.ConnectionEvent{ClientID: client, SessionID: session, Timestamp: start.Add(-10 * day).Add(at), Type: typ,
		Principal: principal, IPAddress: "192.0.2.7", DisconnectReason: reason, VersionNumber: 1}
}

var (
	connected    = iot.Connected
	disconnected = iot.Disconnected
	principalA   = strings.Repeat("a", 64)
	principalB   = strings.Repeat("b", 64)
)

func expiring(d time.Duration) func(*iot.Certificate) {
	return func(c *iot.Certificate) { c.X509.NotAfter = start.Add(d) }
}

func withoutBlocklist(s *check.Scope) { s.WeakKeys = nil }

// fixtures are the cases each supported check runs over.
var fixtures = map[string][]checkCase{
	"CA_CERTIFICATE_EXPIRING_CHECK": {{name: "CA certificates", rows: []*iot.CACertificate{
		ca(1, nil), // 400 days left
		ca(2, func(c *iot.CACertificate) { c.X509.NotAfter = start.Add(30 * day) }),  // approaching, at the threshold
		ca(3, func(c *iot.CACertificate) { c.X509.NotAfter = start.Add(31 * day) }),  // just past the threshold
		ca(4, func(c *iot.CACertificate) { c.X509.NotAfter = start }),                // expired at the audit's start
		ca(5, func(c *iot.CACertificate) { c.X509.NotAfter = start.Add(-90 * day) }), // long expired
	}}},
	"DEVICE_CERTIFICATE_EXPIRING_CHECK": {
		{name: "default threshold", rows: []*iot.Certificate{
			device(1, nil), device(2, expiring(29*day)), device(3, expiring(45*day)), device(4, expiring(-time.Second)),
		}},
		{name: "threshold of 60 days", scope: func(s *check.Scope) { s.Env.Config["CERT_EXPIRATION_THRESHOLD_IN_DAYS"] = 60 },
			rows: []*iot.Certificate{device(3, expiring(45*day)), device(5, expiring(61*day))}},
	},
	"DEVICE_CERTIFICATE_AGE_CHECK": {
		{name: "default threshold", rows: []*iot.Certificate{
			device(1, nil), // registered 100 days ago
			device(2, func(c *iot.Certificate) { c.CreatedAt = start.Add(-365 * day) }),
			device(3, func(c *iot.Certificate) { c.CreatedAt = start.Add(-364 * day) }),
			device(4, func(c *iot.Certificate) { c.CreatedAt = time.Time{}; c.X509.NotBefore = start.Add(-400 * day) }),
		}},
		{name: "threshold of 90 days", scope: func(s *check.Scope) { s.Env.Config["CERT_AGE_THRESHOLD_IN_DAYS"] = 90 },
			rows: []*iot.Certificate{device(1, nil), device(5, func(c *iot.Certificate) { c.CreatedAt = start.Add(-10 * day) })}},
	},
	"DEVICE_CERTIFICATE_KEY_QUALITY_CHECK": {
		{name: "with a blocklist", rows: deviceKeys()},
		{name: "without a blocklist", scope: withoutBlocklist, rows: deviceKeys()},
	},
	"CA_CERTIFICATE_KEY_QUALITY_CHECK": {
		{name: "with a blocklist", rows: caKeys()},
		{name: "without a blocklist", scope: withoutBlocklist, rows: caKeys()},
	},
	"REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK": {{name: "device certificates", rows: []*iot.Certificate{
		device(1, nil),
		device(0xdead, nil),
		device(0xba5e, nil), // revoked only on the older CRL of its issuer
		device(3, func(c *iot.Certificate) { c.X509.AuthorityKeyID = "" }),
		device(0xbeef, func(c *iot.Certificate) { c.X509.AuthorityKeyID = "" }),
		device(0xdead1, func(c *iot.Certificate) { c.X509.AuthorityKeyID = "other key" }), // another CA with that name
		device(4, func(c *iot.Certificate) { c.X509.Issuer = "CN=Unknown CA" }),
		device(5, func(c *iot.Certificate) { c.X509.Issuer = "CN=Unknown CA" }),
		device(6, func(c *iot.Certificate) {
			c.X509.Issuer, c.X509.Subject, c.X509.AuthorityKeyID = "CN=self", "CN=self", ""
		}),
	}}},
	"REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK": {{name: "CA certificates", rows: []*iot.CACertificate{
		ca(1, nil),
		ca(2, func(c *iot.CACertificate) { c.X509.SerialHex = "bad" }),
		ca(3, func(c *iot.CACertificate) {
			c.X509.Issuer, c.X509.Subject, c.X509.AuthorityKeyID, c.X509.SubjectKeyID = "CN=Root", "CN=Root", "aa", "aa"
			c.X509.SerialHex = "bad" // a root is not revoked by its own CRL
		}),
		ca(4, func(c *iot.CACertificate) { c.X509.Issuer = "CN=Offline Root" }),
	}}},
	"INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK": {{name: "intermediates", rows: []*check.IntermediateCA{
		{ID: strings.Repeat("1", 64), Registered: true, X509: facts("bad", "CN=Root", "aa"), Devices: devices(7, 8)},
		{ID: strings.Repeat("2", 64), X509: facts("dead", "CN=Issuing CA", "bb"), Devices: devices(9)},
		{ID: strings.Repeat("3", 64), X509: facts("beef", "CN=Issuing CA", "bb"), Devices: devices()},
		{ID: strings.Repeat("4", 64), X509: facts("c", "CN=Issuing CA", "bb"), Devices: devices(10)},
		{ID: strings.Repeat("5", 64), X509: facts("d", "CN=Unknown", ""), Devices: devices(11)},
	}}},
	"DEVICE_CERTIFICATE_SHARED_CHECK": {{name: "connection records", rows: []*check.ConnectionGroup{
		{Key: principalA, Events: []iot.ConnectionEvent{ // two devices at once
			event("one", "s1", 0, connected, principalA, ""),
			event("two", "s2", time.Hour, connected, principalA, ""),
			event("one", "s1", 2*time.Hour, disconnected, principalA, "CLIENT_INITIATED_DISCONNECT"),
		}},
		{Key: principalB, Events: []iot.ConnectionEvent{ // one after the other, touching
			event("one", "s1", 0, connected, principalB, ""),
			event("one", "s1", time.Hour, disconnected, principalB, "CONNECTION_LOST"),
			event("two", "s2", time.Hour, connected, principalB, ""),
			event("two", "s2", 2*time.Hour, disconnected, principalB, "CLIENT_INITIATED_DISCONNECT"),
		}},
		{Key: strings.Repeat("c", 64), Events: []iot.ConnectionEvent{ // one client reconnecting
			event("one", "s1", 0, connected, "c", ""),
			event("one", "s2", time.Hour, connected, "c", ""),
			event("one", "s2", 3*time.Hour, disconnected, "c", "CONNECTION_LOST"),
		}},
		{Key: strings.Repeat("d", 64), Events: []iot.ConnectionEvent{ // connected before the window, overlapping
			event("two", "s2", time.Minute, connected, "d", ""),
			event("one", "s1", time.Hour, disconnected, "d", "MQTT_KEEP_ALIVE_TIMEOUT"),
		}},
	}}},
	"CONFLICTING_CLIENT_IDS_CHECK": {{name: "takeovers", scope: func(s *check.Scope) { s.ClientIDs = 4 },
		rows: []*check.ConnectionGroup{
			{Key: "thermostat-1", Events: []iot.ConnectionEvent{
				event("thermostat-1", "s1", 0, disconnected, principalA, "DUPLICATE_CLIENTID"),
				event("thermostat-1", "s3", time.Hour, disconnected, principalB, "DUPLICATE_CLIENTID"),
				event("thermostat-1", "s4", 2*time.Hour, disconnected, "us-east-1:cognito-identity", "DUPLICATE_CLIENTID"),
			}},
		}}},
	"IOT_POLICY_OVERLY_PERMISSIVE_CHECK": {{name: "default versions", rows: []*iot.PolicyVersion{
		{PolicyName: "device-scoped", VersionID: 3},
		{PolicyName: "smp-ggrass-group_Core-policy", VersionID: 1, Analysis: iot.PolicyAnalysis{BroadActions: []string{
			"iot:Subscribe", "iot:Connect", "iot:GetThingShadow", "iot:DeleteThingShadow", "iot:UpdateThingShadow", "iot:Publish"}}},
	}}},
	"IOT_POLICY_POTENTIAL_MISCONFIGURATION_CHECK": {{name: "default versions", rows: []*iot.PolicyVersion{
		{PolicyName: "clean", VersionID: 1},
		{PolicyName: "control-room", VersionID: 2, Analysis: iot.PolicyAnalysis{Misconfigurations: []iot.PolicyMisconfiguration{
			{ReasonCode: policydoc.ReasonMQTTWildcardsInDeny, Message: "wildcards in deny: [topicfilter/building/control_room/#]."},
			{ReasonCode: policydoc.ReasonDenyBypassedByWildcards, Message: "bypassed: [topicfilter/building/control_room/*]."},
		}}},
	}}},
	"LOGGING_DISABLED_CHECK": {
		{name: "never set", rows: []*check.LoggingSettings{{}}},
		{name: "v1 enabled", rows: []*check.LoggingSettings{{V1: &iot.LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/logs", LogLevel: iot.LogError}}}},
		{name: "v2 enabled", rows: []*check.LoggingSettings{{V2: &iot.V2LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/logs", DefaultLogLevel: iot.LogInfo}}}},
		{name: "both disabled", rows: []*check.LoggingSettings{{
			V1: &iot.LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/logs", LogLevel: iot.LogDisabled},
			V2: &iot.V2LoggingOptions{RoleARN: "arn:aws:iam::123456789012:role/logs", DefaultLogLevel: iot.LogInfo, DisableAllLogs: true},
		}}},
	},
}

func keyed(c *iot.Certificate, roca bool, fingerprint string) *iot.Certificate {
	c.X509.ROCAVulnerable, c.X509.WeakKeyFingerprint = roca, fingerprint
	return c
}

func deviceKeys() []*iot.Certificate {
	return []*iot.Certificate{
		keyed(device(1, nil), false, "ffffffffffffffffffff"),
		keyed(device(2, nil), true, "eeeeeeeeeeeeeeeeeeee"),
		keyed(device(3, nil), false, weakFingerprint),
		keyed(device(4, nil), true, weakFingerprint),
		keyed(device(5, func(c *iot.Certificate) { c.X509.KeyAlgorithm, c.X509.KeyBits = "EC", 256 }), false, ""),
	}
}

func caKeys() []*iot.CACertificate {
	return []*iot.CACertificate{
		ca(1, nil),
		ca(2, func(c *iot.CACertificate) { c.X509.ROCAVulnerable = true }),
		ca(3, func(c *iot.CACertificate) { c.X509.WeakKeyFingerprint = weakFingerprint }),
	}
}

// visitRows runs a check's visitor over rows, as the evaluator does.
func visitRows(c *check.Check, s *check.Scope, rows any) error {
	switch rows := rows.(type) {
	case []*iot.Certificate:
		return visitAll(c, s, rows)
	case []*iot.CACertificate:
		return visitAll(c, s, rows)
	case []*check.IntermediateCA:
		return visitAll(c, s, rows)
	case []*iot.PolicyVersion:
		return visitAll(c, s, rows)
	case []*check.ConnectionGroup:
		return visitAll(c, s, rows)
	case []*check.LoggingSettings:
		return visitAll(c, s, rows)
	}
	return fmt.Errorf("no fixture rows of type %T", rows)
}

func visitAll[R any](c *check.Check, s *check.Scope, rows []R) error {
	v, ok := check.Begin[R](c, s)
	if !ok {
		return fmt.Errorf("%s does not read %T", c.Name, rows)
	}
	for _, row := range rows {
		if err := v.Visit(row); err != nil {
			return err
		}
	}
	return v.End()
}
