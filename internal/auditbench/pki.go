package auditbench

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/store"
)

// authority is a real certificate authority of the fleet: a certificate
// parsed as the registry parses it, and the key that signs its CRL.
type authority struct {
	cert *certs.Certificate
	key  crypto.Signer
}

// caKey is the kind of key a CA of the fleet gets.
type caKey int

const (
	keyEC   caKey = iota // ECDSA P-256: every CA but two
	keyRSA               // RSA 2048, its fingerprint put on the weak-key blocklist
	keyROCA              // RSA 2048 with the structure of CVE-2017-15361
)

func newKey(k caKey) (crypto.Signer, error) {
	switch k {
	case keyRSA:
		return rsa.GenerateKey(rand.Reader, 2048)
	case keyROCA:
		return certs.GenerateROCAVulnerableKey(2048, rand.Reader)
	default:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	}
}

// newAuthority makes a CA certificate valid from notBefore to notAfter,
// signed by parent (self-signed when parent is nil).
func newAuthority(name string, serial int64, k caKey, notBefore, notAfter time.Time, parent *authority) (*authority, error) {
	key, err := newKey(k)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{Organization: []string{"iotbench"}, CommonName: name},
		NotBefore: notBefore, NotAfter: notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true, IsCA: true,
	}
	issuer, signer := template, key
	if parent != nil {
		issuer, signer = parent.cert.Leaf, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, template, issuer, key.Public(), signer)
	if err != nil {
		return nil, fmt.Errorf("issue %s: %w", name, err)
	}
	c, err := certs.Parse(der)
	if err != nil {
		return nil, err
	}
	return &authority{cert: c, key: key}, nil
}

// registered is the authority as a registered, ACTIVE CA certificate.
func (a *authority) registered(created time.Time) iot.CACertificate {
	c := a.cert
	return iot.CACertificate{ID: c.ID, Status: iot.CACertificateActive, Mode: iot.CertificateModeDefault,
		DER: c.DER, RawSubject: c.RawSubject, CreatedAt: created, LastModifiedAt: created, CustomerVersion: 1,
		GenerationID: "iotbench-" + c.ID[:16], X509: facts(c)}
}

// facts are the X.509 facts the registry stores for a parsed certificate.
func facts(c *certs.Certificate) iot.X509Facts {
	return iot.X509Facts{
		NotBefore: c.NotBefore.UTC(), NotAfter: c.NotAfter.UTC(), KeyAlgorithm: c.KeyAlgorithm, KeyBits: c.KeyBits,
		Subject: c.Subject, Issuer: c.Issuer, SerialHex: c.SerialHex, AuthorityKeyID: c.AuthorityKeyID,
		SubjectKeyID: c.SubjectKeyID, CRLDistributionPoints: c.CRLDistributionPoints,
		ROCAVulnerable: c.ROCAVulnerable, WeakKeyFingerprint: c.WeakKeyFingerprint,
	}
}

// uploadedCRL signs a CRL revoking the given serials (certs.SerialHex form)
// and returns it as the CRL upload stores it: parsed, its signature verified
// against the authority's certificate, its revoked serials listed.
func (a *authority) uploadedCRL(now time.Time, serials []string) (store.UploadedCRL, error) {
	entries := make([]x509.RevocationListEntry, len(serials))
	for i, s := range serials {
		n, ok := new(big.Int).SetString(s, 16)
		if !ok {
			return store.UploadedCRL{}, fmt.Errorf("serial %q is not hex", s)
		}
		entries[i] = x509.RevocationListEntry{SerialNumber: n, RevocationTime: now.Add(-time.Hour)}
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(now.Unix()), ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(30 * 24 * time.Hour),
		RevokedCertificateEntries: entries,
	}, a.cert.Leaf, a.key)
	if err != nil {
		return store.UploadedCRL{}, err
	}
	crl, err := certs.ParseCRL(der)
	if err != nil {
		return store.UploadedCRL{}, err
	}
	if err := crl.VerifyIssuer(a.cert.Leaf); err != nil {
		return store.UploadedCRL{}, err
	}
	u := store.UploadedCRL{Issuer: crl.Issuer, AuthorityKeyID: crl.AuthorityKeyID, IssuerCertificateID: a.cert.ID,
		ThisUpdate: crl.ThisUpdate, NextUpdate: crl.NextUpdate, DER: crl.DER, Serials: crl.RevokedSerials(), UploadedAt: now}
	if crl.Number != nil {
		u.Number = crl.Number.String()
	}
	return u, nil
}
