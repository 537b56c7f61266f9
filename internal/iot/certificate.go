package iot

import "time"

// CertificateStatus is the status of a device certificate.
type CertificateStatus string

// Device certificate statuses. PENDING_TRANSFER and PENDING_ACTIVATION are set
// by AWS IoT itself (certificate transfer, just-in-time registration), never by
// a caller; REGISTER_INACTIVE is deprecated but still accepted.
const (
	CertificateActive            CertificateStatus = "ACTIVE"
	CertificateInactive          CertificateStatus = "INACTIVE"
	CertificateRevoked           CertificateStatus = "REVOKED"
	CertificatePendingTransfer   CertificateStatus = "PENDING_TRANSFER"
	CertificateRegisterInactive  CertificateStatus = "REGISTER_INACTIVE"
	CertificatePendingActivation CertificateStatus = "PENDING_ACTIVATION"
)

// CertificateMode says how devices present a certificate: DEFAULT (issued by AWS
// IoT or registered with a CA in DEFAULT mode) or SNI_ONLY (registered without a
// CA, or with a CA in SNI_ONLY mode; devices must send SNI).
type CertificateMode string

// Certificate modes.
const (
	CertificateModeDefault CertificateMode = "DEFAULT"
	CertificateModeSNIOnly CertificateMode = "SNI_ONLY"
)

// Certificate is a device certificate of the registry.
type Certificate struct {
	// ID is the lowercase hex SHA-256 of the certificate's DER.
	ID string
	// ARN is derived from the account, region and id; stores do not keep it.
	ARN string
	// CAID is the id of the registered CA certificate that signed it, "" for
	// none (issued by this installation, or registered without a CA).
	CAID   string
	Status CertificateStatus
	Mode   CertificateMode
	// DER is the certificate itself. Listings leave it empty.
	DER []byte
	// Chain lists the ids of the certificates that came after the leaf in the
	// registered PEM (intermediate CAs), in order. Listings leave it empty.
	Chain []string

	CreatedAt      time.Time
	LastModifiedAt time.Time
	// CustomerVersion starts at 1 and grows by one with every change.
	CustomerVersion int
	// GenerationID changes with every change.
	GenerationID string

	X509 X509Facts
}

// X509Facts are the fields derived once from a certificate when it enters the
// registry, kept so that audits never parse certificates again.
type X509Facts struct {
	NotBefore, NotAfter time.Time
	// KeyAlgorithm is RSA, EC, ED25519 or OTHER; KeyBits its size.
	KeyAlgorithm string
	KeyBits      int
	// Subject and Issuer in RFC 2253 form.
	Subject, Issuer string
	SerialHex       string
	// AuthorityKeyID and SubjectKeyID in hex, "" when absent.
	AuthorityKeyID, SubjectKeyID string
	CRLDistributionPoints        []string
	// ROCAVulnerable is true for an RSA key with the ROCA fingerprint
	// (CVE-2017-15361).
	ROCAVulnerable bool
	// WeakKeyFingerprint is the key's openssl-blacklist fingerprint
	// (CVE-2008-0166), "" for non-RSA keys.
	WeakKeyFingerprint string
}

// ChainCertificate is an intermediate CA certificate that came with a device
// certificate. The registry keeps each one once per account, however many device
// certificates name it.
type ChainCertificate struct {
	ID   string // lowercase hex SHA-256 of DER
	DER  []byte
	X509 X509Facts
}

// ThingPrincipalType is how a principal is attached to a thing.
type ThingPrincipalType string

// Thing principal types: an EXCLUSIVE_THING principal is attached to that thing
// only; a NON_EXCLUSIVE_THING principal may be attached to several things.
const (
	ThingPrincipalExclusive    ThingPrincipalType = "EXCLUSIVE_THING"
	ThingPrincipalNonExclusive ThingPrincipalType = "NON_EXCLUSIVE_THING"
)

// ThingPrincipal attaches a principal (a certificate ARN or an Amazon Cognito
// identity id) to a thing.
type ThingPrincipal struct {
	ThingName  string
	Principal  string
	Type       ThingPrincipalType
	AttachedAt time.Time
}
