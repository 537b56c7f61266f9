package iot

import "time"

// CACertificateStatus is the status of a registered CA certificate.
type CACertificateStatus string

// CA certificate statuses.
const (
	CACertificateActive   CACertificateStatus = "ACTIVE"
	CACertificateInactive CACertificateStatus = "INACTIVE"
)

// CACertificate is a CA certificate registered with the account: device
// certificates it signed can be registered with RegisterCertificate.
type CACertificate struct {
	// ID is the lowercase hex SHA-256 of the certificate's DER.
	ID string
	// ARN is derived from the account, region and id; stores do not keep it.
	ARN    string
	Status CACertificateStatus
	// Mode is the mode of the CA and of every device certificate registered
	// with it.
	Mode CertificateMode
	// AutoRegistration allows just-in-time registration of the device
	// certificates it signed.
	AutoRegistration   bool
	RegistrationConfig RegistrationConfig
	// DER is the certificate itself. Listings leave it empty.
	DER []byte
	// RawSubject is the subject's DER, matched against device certificates'
	// issuers to find the CA that signed them.
	RawSubject []byte

	CreatedAt       time.Time
	LastModifiedAt  time.Time
	CustomerVersion int
	GenerationID    string

	X509 X509Facts
}

// RegistrationConfig is a CA's just-in-time provisioning configuration: a
// provisioning template, given by name or inline, and the role it runs with.
// The zero value means none.
type RegistrationConfig struct {
	TemplateName string
	TemplateBody string
	RoleARN      string
}

// IsZero reports whether the configuration is empty.
func (c RegistrationConfig) IsZero() bool { return c == RegistrationConfig{} }
