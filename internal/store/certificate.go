package store

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"strings"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// CertificateReader reads the certificate family of resources: device
// certificates with their chains, CA certificates, and the principals attached
// to things. Getters return ErrNotFound for a missing row. The ARN field of what
// they return is left empty: the registry derives it.
type CertificateReader interface {
	// Certificate returns a device certificate with its DER and chain ids.
	Certificate(ctx context.Context, id string) (iot.Certificate, error)
	// Certificates lists device certificates in creation order (see
	// CertificateListing), without DER or chain.
	Certificates(ctx context.Context, l CertificateListing) (certs []iot.Certificate, more bool, err error)
	// CertificateChain returns the chain certificates of a device certificate,
	// in the order they were registered.
	CertificateChain(ctx context.Context, id string) ([]iot.ChainCertificate, error)
	// CertificatesByStatus streams every device certificate in one of the given
	// statuses, without DER or chain, in no particular order.
	CertificatesByStatus(ctx context.Context, statuses ...iot.CertificateStatus) iter.Seq2[iot.Certificate, error]

	// CACertificate returns a CA certificate with its DER.
	CACertificate(ctx context.Context, id string) (iot.CACertificate, error)
	// CACertificates lists CA certificates in creation order, without DER.
	CACertificates(ctx context.Context, l CACertificateListing) (cas []iot.CACertificate, more bool, err error)
	// CACertificatesBySubject returns, with their DER, the CA certificates whose
	// subject is rawSubject (DER).
	CACertificatesBySubject(ctx context.Context, rawSubject []byte) ([]iot.CACertificate, error)

	// ThingPrincipal returns one attachment.
	ThingPrincipal(ctx context.Context, thing, principal string) (iot.ThingPrincipal, error)
	// ThingPrincipals lists the principals attached to a thing, by principal;
	// Page.After is a principal. typ "" lists every type.
	ThingPrincipals(ctx context.Context, thing string, typ iot.ThingPrincipalType, p Page) (ps []iot.ThingPrincipal, more bool, err error)
	// PrincipalThings lists the things a principal is attached to, by thing
	// name; Page.After is a thing name. typ "" lists every type.
	PrincipalThings(ctx context.Context, principal string, typ iot.ThingPrincipalType, p Page) (ps []iot.ThingPrincipal, more bool, err error)
}

// CertificateWriter writes the certificate family of resources. The caller has
// checked every rule.
type CertificateWriter interface {
	// CreateCertificate stores a new device certificate and its chain (c.Chain
	// must list the ids of chain, in order); a chain certificate already stored
	// is kept as it is. created=false, and nothing written, when a certificate
	// with that id exists.
	CreateCertificate(ctx context.Context, c iot.Certificate, chain []iot.ChainCertificate) (created bool, err error)
	// UpdateCertificate changes the status, modification time, customer version
	// and generation id of a certificate; ErrNotFound when absent.
	UpdateCertificate(ctx context.Context, c iot.Certificate) error
	// DeleteCertificate deletes a certificate, its chain links and the chain
	// certificates no other certificate names; ErrNotFound when absent.
	DeleteCertificate(ctx context.Context, id string) error

	// CreateCACertificate stores a new CA certificate; created=false, and
	// nothing written, when one with that id exists.
	CreateCACertificate(ctx context.Context, c iot.CACertificate) (created bool, err error)
	// UpdateCACertificate changes what UpdateCACertificate can change (status,
	// auto registration, registration config) and the modification time,
	// customer version and generation id; ErrNotFound when absent.
	UpdateCACertificate(ctx context.Context, c iot.CACertificate) error
	// DeleteCACertificate deletes a CA certificate; ErrNotFound when absent.
	DeleteCACertificate(ctx context.Context, id string) error

	// PutThingPrincipal attaches a principal to a thing, or changes the type of
	// an existing attachment.
	PutThingPrincipal(ctx context.Context, p iot.ThingPrincipal) error
	// DeleteThingPrincipal detaches a principal from a thing; ErrNotFound when
	// it is not attached.
	DeleteThingPrincipal(ctx context.Context, thing, principal string) error
}

// CertificateListing asks for one page of device certificates ordered by
// creation time, then id. Page.After is a CreationKey ("" for the first page).
type CertificateListing struct {
	Page      Page
	Ascending bool
	// CAID keeps only the certificates signed by this CA ("" for all).
	CAID string
}

// CACertificateListing asks for one page of CA certificates ordered by creation
// time, then id. Page.After is a CreationKey ("" for the first page).
type CACertificateListing struct {
	Page      Page
	Ascending bool
	// TemplateName keeps only the CAs whose registration config names this
	// provisioning template ("" for all).
	TemplateName string
}

// CreationKey is the sort key of a resource in a listing by creation time: the
// creation time in unix milliseconds, then the id.
func CreationKey(created time.Time, id string) string {
	return strconv.FormatInt(created.UnixMilli(), 10) + "/" + id
}

// ParseCreationKey reads a CreationKey.
func ParseCreationKey(key string) (createdMilli int64, id string, err error) {
	ms, id, ok := strings.Cut(key, "/")
	if ok {
		createdMilli, err = strconv.ParseInt(ms, 10, 64)
	}
	if !ok || err != nil {
		return 0, "", fmt.Errorf("store: %q is not a creation key", key)
	}
	return createdMilli, id, nil
}
