package certs

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// Key algorithms as stored in Certificate.KeyAlgorithm.
const (
	KeyRSA     = "RSA"
	KeyEC      = "EC"
	KeyEd25519 = "ED25519"
	KeyOther   = "OTHER"
)

// Certificate is a parsed certificate with every field the registry stores as a
// column, so that audits never parse PEM again.
type Certificate struct {
	Leaf  *x509.Certificate
	DER   []byte
	PEM   []byte              // the leaf alone, re-encoded as one CERTIFICATE block
	Chain []*x509.Certificate // certificates that followed the leaf, in order

	ID string // lowercase hex SHA-256 of DER: the AWS certificate id

	NotBefore, NotAfter time.Time

	KeyAlgorithm string // KeyRSA, KeyEC, KeyEd25519 or KeyOther
	KeyBits      int    // RSA modulus bits, EC curve bits, 256 for Ed25519

	Subject, Issuer       string // RFC 2253 form (pkix.Name.String)
	RawSubject, RawIssuer []byte // DER, for exact issuer-to-CA-subject matching

	SerialHex      string // see SerialHex
	AuthorityKeyID string // hex, "" when absent
	SubjectKeyID   string // hex, "" when absent

	CRLDistributionPoints []string
	IsCA                  bool // BasicConstraints present with CA:TRUE

	ROCAVulnerable     bool
	WeakKeyFingerprint string // openssl-blacklist fingerprint; "" for non-RSA keys
}

// Parse reads a certificate given as one PEM block, several PEM blocks (the leaf
// first, then its chain of intermediates) or raw DER. Errors are
// iot.CertificateValidation.
func Parse(pemOrDER []byte) (*Certificate, error) {
	ders, err := certificateDERs(pemOrDER)
	if err != nil {
		return nil, err
	}
	certs := make([]*x509.Certificate, len(ders))
	for i, der := range ders {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, invalidCertificate("%v", err)
		}
		certs[i] = c
	}
	return newCertificate(certs[0], certs[1:]), nil
}

func invalidCertificate(format string, args ...any) error {
	return iot.Errorf(iot.CertificateValidation, "The certificate is not a valid X.509 certificate: "+format, args...)
}

// certificateDERs returns the DER of every certificate in input, leaf first.
func certificateDERs(input []byte) ([][]byte, error) {
	trimmed := bytes.TrimSpace(input)
	if len(trimmed) == 0 {
		return nil, invalidCertificate("the input is empty")
	}
	if !bytes.Contains(trimmed, []byte("-----BEGIN")) {
		// DER is binary: trimming could cut a final byte that looks like a space.
		return [][]byte{input}, nil
	}
	var ders [][]byte
	rest := trimmed
	for {
		block, after := pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, invalidCertificate("PEM block %d is %q, expected \"CERTIFICATE\"", len(ders)+1, block.Type)
		}
		ders = append(ders, block.Bytes)
		rest = after
	}
	if len(ders) == 0 {
		return nil, invalidCertificate("no PEM block could be decoded")
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, invalidCertificate("unexpected data after PEM block %d", len(ders))
	}
	return ders, nil
}

func newCertificate(leaf *x509.Certificate, chain []*x509.Certificate) *Certificate {
	sum := sha256.Sum256(leaf.Raw)
	c := &Certificate{
		Leaf:                  leaf,
		DER:                   leaf.Raw,
		PEM:                   EncodeCertificatePEM(leaf.Raw),
		Chain:                 chain,
		ID:                    hex.EncodeToString(sum[:]),
		NotBefore:             leaf.NotBefore,
		NotAfter:              leaf.NotAfter,
		Subject:               leaf.Subject.String(),
		Issuer:                leaf.Issuer.String(),
		RawSubject:            leaf.RawSubject,
		RawIssuer:             leaf.RawIssuer,
		SerialHex:             SerialHex(leaf.SerialNumber),
		AuthorityKeyID:        hex.EncodeToString(leaf.AuthorityKeyId),
		SubjectKeyID:          hex.EncodeToString(leaf.SubjectKeyId),
		CRLDistributionPoints: leaf.CRLDistributionPoints,
		IsCA:                  leaf.BasicConstraintsValid && leaf.IsCA,
	}
	c.KeyAlgorithm, c.KeyBits = keyAlgorithm(leaf.PublicKey)
	if pub, ok := leaf.PublicKey.(*rsa.PublicKey); ok {
		c.ROCAVulnerable = IsROCAVulnerable(pub)
		c.WeakKeyFingerprint = WeakKeyFingerprint(pub)
	}
	return c
}

// keyAlgorithm names the algorithm of a public key and its size in bits.
func keyAlgorithm(pub any) (string, int) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return KeyRSA, k.N.BitLen()
	case *ecdsa.PublicKey:
		return KeyEC, k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return KeyEd25519, 256
	default:
		return KeyOther, 0
	}
}

// EncodeCertificatePEM wraps certificate DER in one CERTIFICATE PEM block.
func EncodeCertificatePEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
