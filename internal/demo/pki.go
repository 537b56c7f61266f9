package demo

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	_ "embed"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/iotdefender/iotdefender/internal/certs"
)

// debianWeakKeyPEM is the public key of an RSA-2048 key made by Debian's
// OpenSSL with the predictable random numbers of CVE-2008-0166, from the test
// data of the badkeys project (https://github.com/badkeys/badkeys, MIT
// licence), as in internal/certs/testdata. A certificate is issued for it; its
// private key is never needed.
//
//go:embed testdata/debian-weak-rsa2048.pem
var debianWeakKeyPEM []byte

// DebianWeakKey returns the embedded Debian weak public key.
func DebianWeakKey() (*rsa.PublicKey, error) {
	block, _ := pem.Decode(debianWeakKeyPEM)
	if block == nil {
		return nil, errors.New("demo: the embedded Debian weak key is not PEM")
	}
	return x509.ParsePKCS1PublicKey(block.Bytes)
}

// DebianWeakKeyFingerprint is the line of Debian's openssl-blacklist that
// names the embedded weak key (the format of serve --weak-key-blocklist).
func DebianWeakKeyFingerprint() (string, error) {
	pub, err := DebianWeakKey()
	if err != nil {
		return "", err
	}
	return certs.WeakKeyFingerprint(pub), nil
}

// authority is a CA the demo made: its certificate and key.
type authority struct {
	name string
	cert *x509.Certificate
	key  crypto.Signer
	pem  string
	next int64 // next serial number of what it issues
}

// issued is a certificate the demo made, in PEM.
type issued struct {
	cert *x509.Certificate
	pem  string
}

func newECKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// serial returns a random positive serial number of 16 bytes.
func serial() (*big.Int, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	b[0] &= 0x7f
	b[0] |= 0x01
	return new(big.Int).SetBytes(b), nil
}

// newRootCA makes a self-signed CA certificate for key.
func newRootCA(name string, key crypto.Signer, notBefore, notAfter time.Time) (*authority, error) {
	tmpl, err := caTemplate(name, notBefore, notAfter)
	if err != nil {
		return nil, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("demo: make %s: %w", name, err)
	}
	return newAuthority(name, der, key)
}

// subCA makes an intermediate CA certificate that a issues.
func (a *authority) subCA(name string, notBefore, notAfter time.Time) (*authority, error) {
	key, err := newECKey()
	if err != nil {
		return nil, err
	}
	tmpl, err := caTemplate(name, notBefore, notAfter)
	if err != nil {
		return nil, err
	}
	tmpl.MaxPathLenZero = true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, key.Public(), a.key)
	if err != nil {
		return nil, fmt.Errorf("demo: make %s: %w", name, err)
	}
	return newAuthority(name, der, key)
}

func newAuthority(name string, der []byte, key crypto.Signer) (*authority, error) {
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &authority{name: name, cert: cert, key: key, pem: pemOf(der)}, nil
}

func caTemplate(name string, notBefore, notAfter time.Time) (*x509.Certificate, error) {
	sn, err := serial()
	if err != nil {
		return nil, err
	}
	return &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{Organization: []string{"Greenfield Farms (iotdefender demo)"}, CommonName: name},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign, // crypto/x509 adds the subject key id
	}, nil
}

// issue makes a device certificate for pub with common name cn.
func (a *authority) issue(cn string, pub crypto.PublicKey, notBefore, notAfter time.Time) (issued, error) {
	sn, err := serial()
	if err != nil {
		return issued{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{Organization: []string{"Greenfield Farms (iotdefender demo)"}, CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, pub, a.key)
	if err != nil {
		return issued{}, fmt.Errorf("demo: issue %s: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return issued{}, err
	}
	return issued{cert: cert, pem: pemOf(der)}, nil
}

// verification makes the certificate that proves possession of a's key to
// RegisterCACertificate: common name the account's registration code.
func (a *authority) verification(registrationCode string, now time.Time) (string, error) {
	key, err := newECKey()
	if err != nil {
		return "", err
	}
	c, err := a.issue(registrationCode, key.Public(), now.Add(-time.Minute), now.Add(24*time.Hour))
	return c.pem, err
}

// crl makes a's CRL listing the certificates revoked.
func (a *authority) crl(now time.Time, revoked ...*x509.Certificate) ([]byte, error) {
	var entries []x509.RevocationListEntry
	for _, c := range revoked {
		entries = append(entries, x509.RevocationListEntry{SerialNumber: c.SerialNumber, RevocationTime: now.Add(-time.Hour)})
	}
	a.next++
	der, err := x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		Number:                    big.NewInt(now.Unix()*10 + a.next),
		ThisUpdate:                now.Add(-time.Minute),
		NextUpdate:                now.Add(7 * 24 * time.Hour),
		RevokedCertificateEntries: entries,
	}, a.cert, a.key)
	if err != nil {
		return nil, fmt.Errorf("demo: the CRL of %s: %w", a.name, err)
	}
	return der, nil
}

// selfSigned makes a self-signed device certificate for key.
func selfSigned(cn string, key crypto.Signer, notBefore, notAfter time.Time) (issued, error) {
	sn, err := serial()
	if err != nil {
		return issued{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{Organization: []string{"Greenfield Farms (iotdefender demo)"}, CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return issued{}, fmt.Errorf("demo: make %s: %w", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return issued{}, err
	}
	return issued{cert: cert, pem: pemOf(der)}, nil
}

func pemOf(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}
