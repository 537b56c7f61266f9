package iot

import (
	"strings"
	"time"
)

// ResourceIdentifier names the resource of an audit finding or suppression.
// Exactly the member that matches the resource type is set.
type ResourceIdentifier struct {
	DeviceCertificateID   string
	CACertificateID       string
	CognitoIdentityPoolID string
	ClientID              string
	PolicyVersion         *PolicyVersionIdentifier
	Account               string
	IAMRoleARN            string
	RoleAliasARN          string
	IssuerCertificate     *IssuerCertificateIdentifier
	DeviceCertificateARN  string
}

// PolicyVersionIdentifier names one version of an IoT policy.
type PolicyVersionIdentifier struct {
	PolicyName, PolicyVersionID string
}

// IssuerCertificateIdentifier names an issuing (intermediate) CA certificate.
type IssuerCertificateIdentifier struct {
	Subject, IssuerID, SerialNumber string
}

// Key is a canonical text form of the identifier: equal identifiers have equal
// keys. Stores index findings and suppressions by it.
func (r ResourceIdentifier) Key() string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, name+"="+v)
		}
	}
	add("deviceCertificateId", strings.ToLower(r.DeviceCertificateID))
	add("caCertificateId", strings.ToLower(r.CACertificateID))
	add("cognitoIdentityPoolId", r.CognitoIdentityPoolID)
	add("clientId", r.ClientID)
	if p := r.PolicyVersion; p != nil {
		add("policyVersionIdentifier", p.PolicyName+"/"+p.PolicyVersionID)
	}
	add("account", r.Account)
	add("iamRoleArn", r.IAMRoleARN)
	add("roleAliasArn", r.RoleAliasARN)
	if c := r.IssuerCertificate; c != nil {
		add("issuerCertificateIdentifier", c.Subject+"|"+strings.ToLower(c.IssuerID)+"|"+strings.ToLower(c.SerialNumber))
	}
	add("deviceCertificateArn", r.DeviceCertificateARN)
	return strings.Join(parts, "&")
}

// ConnectionEventType is the kind of a device lifecycle event.
type ConnectionEventType string

// Lifecycle event types.
const (
	Connected    ConnectionEventType = "connected"
	Disconnected ConnectionEventType = "disconnected"
)

// ConnectionEvent is one device connection record, in the form of an AWS IoT
// lifecycle event: who connected or disconnected, when, with which certificate.
type ConnectionEvent struct {
	ClientID  string
	Timestamp time.Time // millisecond precision
	Type      ConnectionEventType
	// SessionID is the lifecycle event's sessionIdentifier.
	SessionID string
	// Principal is the certificate id the client authenticated with.
	Principal        string
	IPAddress        string
	DisconnectReason string // e.g. DUPLICATE_CLIENTID; "" for connections
	VersionNumber    int64
}
