package store

import (
	"context"
	"iter"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// AuditDataReader reads what the audit checks examine beyond the registry's own
// listings: uploaded CRLs, device connection records, and the streaming scans of
// certificates and policies the checks run over. Scans stream their rows
// (iter.Seq2); a scan's error ends it.
type AuditDataReader interface {
	// UploadedCRLs returns every CRL uploaded for the account, with its
	// revoked serials and without its DER.
	UploadedCRLs(ctx context.Context) ([]UploadedCRL, error)
	// UploadedCRL returns the CRL stored for an issuer and authority key id,
	// with its DER and without its serials; ErrNotFound when there is none.
	UploadedCRL(ctx context.Context, issuer, authorityKeyID string) (UploadedCRL, error)
	// IssuerCertificates returns, with their DER, the registered CA
	// certificates and the chain certificates whose subject (RFC 2253) is
	// subject: the certificates that may have signed a CRL of that issuer.
	IssuerCertificates(ctx context.Context, subject string) ([]IssuerCertificate, error)
	// CRLDistributionPoints returns, sorted and without repeats, the CRL
	// distribution points named by the certificates of the given sources.
	CRLDistributionPoints(ctx context.Context, from DistributionPointSources) ([]string, error)

	// AuditCertificates streams part `part` (0 ≤ part < parts) of the ACTIVE
	// and PENDING_TRANSFER device certificates, in no particular order, with
	// only what the audit's checks read: id, status, creation time and X.509
	// facts except the key's algorithm and size and the CRL distribution
	// points (CRLDistributionPoints lists those). The parts of one snapshot are
	// disjoint and together hold every such certificate, so that they can be
	// read in parallel.
	AuditCertificates(ctx context.Context, part, parts int) iter.Seq2[iot.Certificate, error]
	// ActiveCACertificates streams the ACTIVE CA certificates, without DER.
	ActiveCACertificates(ctx context.Context) iter.Seq2[iot.CACertificate, error]
	// IntermediateCertificates returns the chain certificates and the
	// registered CA certificates that are not self-issued (issuer ≠ subject),
	// without DER: the intermediate CAs device certificates may chain through.
	IntermediateCertificates(ctx context.Context) ([]IssuerCertificate, error)
	// ActiveCertificatesThrough streams the ids of the ACTIVE or
	// PENDING_TRANSFER device certificates that chain through an issuer: for a
	// registered CA, those it signed; for a chain certificate, those whose
	// chain names it.
	ActiveCertificatesThrough(ctx context.Context, issuer IssuerCertificate) iter.Seq2[string, error]

	// ConnectionEventsByPrincipal streams the connection records with
	// from ≤ timestamp < to, ordered by principal, then timestamp, with only
	// what the audit's checks read: principal, timestamp, client id, session
	// id and type.
	ConnectionEventsByPrincipal(ctx context.Context, from, to time.Time) iter.Seq2[iot.ConnectionEvent, error]
	// TakeoversByClientID streams the disconnections for DUPLICATE_CLIENTID
	// with from ≤ timestamp < to, ordered by client id, then timestamp, with
	// what ConnectionEventsByPrincipal gives and the disconnect reason.
	TakeoversByClientID(ctx context.Context, from, to time.Time) iter.Seq2[iot.ConnectionEvent, error]
	// CountClientIDs counts the distinct client ids of the connection records
	// with from ≤ timestamp < to.
	CountClientIDs(ctx context.Context, from, to time.Time) (int64, error)
}

// AuditDataWriter writes the data the checks examine: uploaded CRLs and device
// connection records.
type AuditDataWriter interface {
	// PutUploadedCRL stores a CRL and its serials, replacing the one stored
	// for the same issuer and authority key id.
	PutUploadedCRL(ctx context.Context, c UploadedCRL) error
	// AddConnectionEvents stores connection records; a record already stored
	// (same principal, time, client id, session and type: a lifecycle event
	// delivered twice) is kept once.
	AddConnectionEvents(ctx context.Context, events []iot.ConnectionEvent) error
}

// UploadedCRL is a CRL uploaded through the extension API, whose signature was
// verified against the issuer certificate it names.
type UploadedCRL struct {
	// Issuer in RFC 2253 form and its key id in hex ("" when the CRL names
	// none): the CRL's key in the store.
	Issuer, AuthorityKeyID string
	// IssuerCertificateID is the registered CA or chain certificate that
	// verified the CRL's signature.
	IssuerCertificateID string
	ThisUpdate          time.Time
	NextUpdate          time.Time // zero when the CRL names none
	Number              string    // cRLNumber in decimal, "" when absent
	DER                 []byte
	// Serials are the revoked serials in certs.SerialHex form.
	Serials    []string
	UploadedAt time.Time
}

// IssuerCertificate is a registered CA certificate or a certificate of a
// registered device certificate's chain.
type IssuerCertificate struct {
	ID string
	// Registered is true for a registered CA certificate.
	Registered bool
	DER        []byte
	X509       iot.X509Facts
}

// DistributionPointSources says whose CRL distribution points to list.
type DistributionPointSources struct {
	// DeviceCertificates: those in status ACTIVE or PENDING_TRANSFER.
	DeviceCertificates bool
	// CACertificates: every registered CA certificate.
	CACertificates bool
	// ChainCertificates: every chain certificate.
	ChainCertificates bool
}
