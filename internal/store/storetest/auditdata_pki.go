package storetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/iot"
)

// TestCA is a certificate authority for tests of the revocation data: it
// issues certificates and signs CRLs.
type TestCA struct {
	Cert   *certs.Certificate
	key    *ecdsa.PrivateKey
	serial int64
}

// NewTestCA returns a CA named cn, self-signed when parent is nil.
func NewTestCA(t testing.TB, cn string, parent *TestCA, crlURLs ...string) *TestCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1000), Subject: pkix.Name{CommonName: cn},
		NotBefore: T0.Add(-24 * time.Hour), NotAfter: T0.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true, IsCA: true, CRLDistributionPoints: crlURLs,
	}
	ca := &TestCA{key: key}
	if parent == nil {
		ca.Cert = issue(t, template, template, &key.PublicKey, key)
	} else {
		template.SerialNumber = big.NewInt(parent.nextSerial())
		ca.Cert = issue(t, template, parent.Cert.Leaf, &key.PublicKey, parent.key)
	}
	return ca
}

func (ca *TestCA) nextSerial() int64 {
	ca.serial++
	return ca.serial
}

// Issue returns a device certificate signed by the CA, with the next serial
// (1, 2, ...) and the given CRL distribution points.
func (ca *TestCA) Issue(t testing.TB, cn string, crlURLs ...string) *certs.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(ca.nextSerial()), Subject: pkix.Name{CommonName: cn},
		NotBefore: T0.Add(-24 * time.Hour), NotAfter: T0.Add(365 * 24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, CRLDistributionPoints: crlURLs,
	}
	return issue(t, template, ca.Cert.Leaf, &key.PublicKey, ca.key)
}

func issue(t testing.TB, template, parent *x509.Certificate, pub *ecdsa.PublicKey, signer *ecdsa.PrivateKey) *certs.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, template, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := certs.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// CRL returns, in DER, a CRL of the CA revoking the given certificates.
func (ca *TestCA) CRL(t testing.TB, thisUpdate time.Time, revoked ...*certs.Certificate) []byte {
	t.Helper()
	var entries []x509.RevocationListEntry
	for _, c := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: c.Leaf.SerialNumber, RevocationTime: thisUpdate})
	}
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number: big.NewInt(thisUpdate.Unix()), ThisUpdate: thisUpdate, NextUpdate: thisUpdate.Add(24 * time.Hour),
		RevokedCertificateEntries: entries,
	}, ca.Cert.Leaf, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// Facts are the X.509 facts the registry stores for c.
func Facts(c *certs.Certificate) iot.X509Facts {
	return iot.X509Facts{
		NotBefore: c.NotBefore, NotAfter: c.NotAfter, KeyAlgorithm: c.KeyAlgorithm, KeyBits: c.KeyBits,
		Subject: c.Subject, Issuer: c.Issuer, SerialHex: c.SerialHex, AuthorityKeyID: c.AuthorityKeyID,
		SubjectKeyID: c.SubjectKeyID, CRLDistributionPoints: c.CRLDistributionPoints,
		ROCAVulnerable: c.ROCAVulnerable, WeakKeyFingerprint: c.WeakKeyFingerprint,
	}
}

// Registered returns the CA as a registered, ACTIVE CA certificate.
func (ca *TestCA) Registered() iot.CACertificate {
	c := ca.Cert
	return iot.CACertificate{ID: c.ID, Status: iot.CACertificateActive, Mode: iot.CertificateModeDefault,
		DER: c.DER, RawSubject: c.RawSubject, CreatedAt: T0, LastModifiedAt: T0, CustomerVersion: 1,
		GenerationID: "gen-" + c.ID[:8], X509: Facts(c)}
}

// Device returns c as an ACTIVE device certificate registered with caID.
func Device(c *certs.Certificate, caID string) iot.Certificate {
	return iot.Certificate{ID: c.ID, CAID: caID, Status: iot.CertificateActive, Mode: iot.CertificateModeDefault,
		DER: c.DER, CreatedAt: T0, LastModifiedAt: T0, CustomerVersion: 1, GenerationID: "gen-" + c.ID[:8], X509: Facts(c)}
}

// Chain returns c as a chain certificate.
func Chain(c *certs.Certificate) iot.ChainCertificate {
	return iot.ChainCertificate{ID: c.ID, DER: c.DER, X509: Facts(c)}
}
