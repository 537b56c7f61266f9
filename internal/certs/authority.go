package certs

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// IssuedCertificateCommonName is the subject AWS IoT gives the certificates of
// CreateKeysAndCertificate.
const IssuedCertificateCommonName = "AWS IoT Certificate"

// IssuedCertificateNotAfter is the end of validity AWS IoT gives the
// certificates it issues.
var IssuedCertificateNotAfter = time.Date(2049, time.December, 31, 23, 59, 59, 0, time.UTC)

// authorityKeyBits is the size of the issuing CA's key, as AWS's.
const authorityKeyBits = 2048

// Authority is this installation's own issuing CA, which signs the
// certificates of CreateKeysAndCertificate and CreateCertificateFromCsr.
type Authority struct {
	cert   *x509.Certificate
	key    *rsa.PrivateKey
	random io.Reader
}

// NewAuthority generates an RSA-2048 issuing CA valid from an hour before now
// (to tolerate clock skew) until IssuedCertificateNotAfter. random supplies
// serial numbers and signatures.
func NewAuthority(random io.Reader, now time.Time) (*Authority, error) {
	key, err := rsa.GenerateKey(random, authorityKeyBits)
	if err != nil {
		return nil, fmt.Errorf("certs: generating the CA key: %w", err)
	}
	serial, err := randomSerial(random)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{Organization: []string{"iotdefender"}, CommonName: "iotdefender device certificate authority"},
		NotBefore:             now.Add(-time.Hour).Truncate(time.Second),
		NotAfter:              IssuedCertificateNotAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
		SubjectKeyId:          subjectKeyID(&key.PublicKey),
	}
	der, err := x509.CreateCertificate(random, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("certs: creating the CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("certs: reading back the CA certificate: %w", err)
	}
	return &Authority{cert: cert, key: key, random: random}, nil
}

// LoadAuthority restores an issuing CA saved with PEM. The key may be PKCS#1 or
// PKCS#8 but must be RSA and must match the certificate.
func LoadAuthority(certPEM, keyPEM []byte, random io.Reader) (*Authority, error) {
	c, err := Parse(certPEM)
	if err != nil {
		return nil, fmt.Errorf("certs: the CA certificate: %w", err)
	}
	if err := ValidateCA(c); err != nil {
		return nil, fmt.Errorf("certs: the CA certificate: %w", err)
	}
	key, err := parseRSAPrivateKeyPEM(keyPEM)
	if err != nil {
		return nil, err
	}
	if !key.PublicKey.Equal(c.Leaf.PublicKey) {
		return nil, errors.New("certs: the CA key does not belong to the CA certificate")
	}
	return &Authority{cert: c.Leaf, key: key, random: random}, nil
}

// PEM returns the CA certificate and its private key (PKCS#1), for saving.
func (a *Authority) PEM() (certPEM, keyPEM []byte) {
	return EncodeCertificatePEM(a.cert.Raw), EncodeRSAPrivateKeyPEM(a.key)
}

// Certificate returns the CA certificate.
func (a *Authority) Certificate() *x509.Certificate { return a.cert }

// IssueForKey issues a device certificate for pub, the way
// CreateKeysAndCertificate does: subject CN "AWS IoT Certificate", valid from
// now to IssuedCertificateNotAfter. It returns the certificate's DER.
func (a *Authority) IssueForKey(pub crypto.PublicKey, now time.Time) ([]byte, error) {
	subject, err := asn1.Marshal(pkix.Name{CommonName: IssuedCertificateCommonName}.ToRDNSequence())
	if err != nil {
		return nil, fmt.Errorf("certs: encoding the subject: %w", err)
	}
	return a.issue(pub, subject, now)
}

// IssueForCSR issues a device certificate for a PEM certificate signing
// request, the way CreateCertificateFromCsr does: the CSR's signature must
// verify, its subject is kept, and its key must be one AWS accepts. Errors
// about the CSR are iot.InvalidRequest.
func (a *Authority) IssueForCSR(csrPEM []byte, now time.Time) ([]byte, error) {
	csr, err := parseCSR(csrPEM)
	if err != nil {
		return nil, err
	}
	return a.issue(csr.PublicKey, csr.RawSubject, now)
}

func parseCSR(csrPEM []byte) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode(csrPEM)
	if block == nil {
		return nil, iot.Errorf(iot.InvalidRequest, "The certificate signing request is not PEM encoded.")
	}
	if block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST" {
		return nil, iot.Errorf(iot.InvalidRequest, "The PEM block is %q, expected \"CERTIFICATE REQUEST\".", block.Type)
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "The certificate signing request is not valid: %v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, iot.Errorf(iot.InvalidRequest, "The certificate signing request's signature does not verify: %v", err)
	}
	return csr, nil
}

func (a *Authority) issue(pub crypto.PublicKey, rawSubject []byte, now time.Time) ([]byte, error) {
	if problem := checkKey(pub); problem != "" {
		return nil, iot.Errorf(iot.InvalidRequest, "The key is not accepted: %s.", problem)
	}
	serial, err := randomSerial(a.random)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial,
		RawSubject:            rawSubject,
		NotBefore:             now.Truncate(time.Second),
		NotAfter:              IssuedCertificateNotAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		AuthorityKeyId:        a.cert.SubjectKeyId,
		SubjectKeyId:          subjectKeyID(pub),
	}
	der, err := x509.CreateCertificate(a.random, template, a.cert, pub, a.key)
	if err != nil {
		return nil, fmt.Errorf("certs: issuing a certificate: %w", err)
	}
	return der, nil
}

// randomSerial draws a positive serial of up to 160 bits whose DER encoding
// fits the 20 octets RFC 5280 allows.
func randomSerial(random io.Reader) (*big.Int, error) {
	var b [20]byte
	for {
		if _, err := io.ReadFull(random, b[:]); err != nil {
			return nil, fmt.Errorf("certs: drawing a serial number: %w", err)
		}
		b[0] &= 0x7f
		if serial := new(big.Int).SetBytes(b[:]); serial.Sign() > 0 {
			return serial, nil
		}
	}
}

// subjectKeyID is the SHA-1 of the subjectPublicKey bits (RFC 5280, 4.2.1.2,
// method 1), nil when the key cannot be encoded.
func subjectKeyID(pub crypto.PublicKey) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:]
}
