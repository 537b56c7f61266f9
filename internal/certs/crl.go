package certs

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"slices"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// CRL is a parsed certificate revocation list with the fields audits need.
type CRL struct {
	List *x509.RevocationList
	DER  []byte

	Issuer         string // RFC 2253 form
	RawIssuer      []byte // DER, for exact matching with a CA's subject
	AuthorityKeyID string // hex, "" when absent
	ThisUpdate     time.Time
	NextUpdate     time.Time // zero when the CRL names none
	Number         *big.Int  // nil when the CRL has no cRLNumber

	revoked map[string]struct{} // SerialHex of every revoked certificate
}

// ParseCRL reads a CRL given as DER or as a PEM "X509 CRL" block. Errors are
// iot.InvalidRequest.
func ParseCRL(derOrPEM []byte) (*CRL, error) {
	der := derOrPEM
	if trimmed := bytes.TrimSpace(derOrPEM); bytes.Contains(trimmed, []byte("-----BEGIN")) {
		block, rest := pem.Decode(trimmed)
		if block == nil {
			return nil, invalidCRL("the PEM block could not be decoded")
		}
		if block.Type != "X509 CRL" {
			return nil, invalidCRL("the PEM block is %q, expected \"X509 CRL\"", block.Type)
		}
		if len(bytes.TrimSpace(rest)) != 0 {
			return nil, invalidCRL("unexpected data after the PEM block")
		}
		der = block.Bytes
	}
	list, err := x509.ParseRevocationList(der)
	if err != nil {
		return nil, invalidCRL("%v", err)
	}
	c := &CRL{
		List:           list,
		DER:            list.Raw,
		Issuer:         list.Issuer.String(),
		RawIssuer:      list.RawIssuer,
		AuthorityKeyID: hex.EncodeToString(list.AuthorityKeyId),
		ThisUpdate:     list.ThisUpdate,
		NextUpdate:     list.NextUpdate,
		Number:         list.Number,
		revoked:        make(map[string]struct{}, len(list.RevokedCertificateEntries)),
	}
	for _, entry := range list.RevokedCertificateEntries {
		c.revoked[SerialHex(entry.SerialNumber)] = struct{}{}
	}
	return c, nil
}

func invalidCRL(format string, args ...any) error {
	return iot.Errorf(iot.InvalidRequest, "The CRL is not a valid X.509 CRL: "+format, args...)
}

// IsRevoked reports whether the certificate with this serial (in SerialHex
// form) is on the list.
func (c *CRL) IsRevoked(serialHex string) bool {
	_, ok := c.revoked[serialHex]
	return ok
}

// RevokedSerials returns the serials on the list, sorted.
func (c *CRL) RevokedSerials() []string {
	serials := make([]string, 0, len(c.revoked))
	for s := range c.revoked {
		serials = append(serials, s)
	}
	slices.Sort(serials)
	return serials
}

// VerifyIssuer checks that issuer published this CRL: its name is the CRL's
// issuer, its key identifier matches the CRL's authority key identifier when
// both are present, and its key signed the CRL. Errors are iot.InvalidRequest.
func (c *CRL) VerifyIssuer(issuer *x509.Certificate) error {
	if !bytes.Equal(c.RawIssuer, issuer.RawSubject) {
		return iot.Errorf(iot.InvalidRequest,
			"The CRL was issued by %q, not by the certificate %q.", c.Issuer, issuer.Subject.String())
	}
	if len(c.List.AuthorityKeyId) > 0 && len(issuer.SubjectKeyId) > 0 &&
		!bytes.Equal(c.List.AuthorityKeyId, issuer.SubjectKeyId) {
		return iot.Errorf(iot.InvalidRequest,
			"The CRL's authority key identifier %s does not match the issuer's subject key identifier %s.",
			c.AuthorityKeyID, hex.EncodeToString(issuer.SubjectKeyId))
	}
	if err := c.List.CheckSignatureFrom(issuer); err != nil {
		return iot.Errorf(iot.InvalidRequest, "The CRL's signature does not verify with the issuer's key: %v", err)
	}
	return nil
}
