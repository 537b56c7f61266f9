package apitest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"sync/atomic"
	"testing"
	"time"
)

// The test PKI of the certificate family: CAs, their verification and device
// certificates, made with crypto/x509 around the real time the server checks
// validity against.

type pkiCA struct {
	cert *x509.Certificate
	pem  string
	key  crypto.Signer
}

// pkiCert shapes a certificate; zero fields take defaults: a fresh P-256 key,
// valid from an hour ago for a year.
type pkiCert struct {
	cn                  string
	notBefore, notAfter time.Time
	key                 crypto.Signer
	isCA                bool
}

var pkiSerial atomic.Int64

func (o pkiCert) make(t *testing.T, issuer *pkiCA) pkiCA {
	t.Helper()
	if o.key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		o.key = k
	}
	now := time.Now()
	if o.notBefore.IsZero() {
		o.notBefore = now.Add(-time.Hour)
	}
	if o.notAfter.IsZero() {
		o.notAfter = now.Add(365 * 24 * time.Hour)
	}
	tpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano() + pkiSerial.Add(1)),
		Subject:               pkix.Name{CommonName: o.cn, Organization: []string{"iotdefender apitest"}},
		NotBefore:             o.notBefore,
		NotAfter:              o.notAfter,
		BasicConstraintsValid: true,
		IsCA:                  o.isCA,
	}
	if o.isCA {
		tpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	parent, signer := tpl, o.key
	if issuer != nil {
		parent, signer = issuer.cert, issuer.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tpl, parent, o.key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return pkiCA{cert: cert, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})), key: o.key}
}

// newPKICA makes a self-signed CA.
func newPKICA(t *testing.T, cn string) pkiCA {
	t.Helper()
	return pkiCert{cn: cn, isCA: true}.make(t, nil)
}

// device makes a device certificate the CA signed.
func (ca pkiCA) device(t *testing.T) string {
	t.Helper()
	return pkiCert{cn: "device"}.make(t, &ca).pem
}

// verification makes the CA's verification certificate for a registration code.
func (ca pkiCA) verification(t *testing.T, code string) string {
	t.Helper()
	return pkiCert{cn: code}.make(t, &ca).pem
}

// selfSignedDevice makes a device certificate with no CA.
func selfSignedDevice(t *testing.T, o pkiCert) string {
	t.Helper()
	if o.cn == "" {
		o.cn = "self-signed device"
	}
	return o.make(t, nil).pem
}

func rsa1024(t *testing.T) crypto.Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// certificateID is the AWS id of a PEM certificate: hex SHA-256 of its DER.
func certificateID(pemText string) string {
	block, _ := pem.Decode([]byte(pemText))
	sum := sha256.Sum256(block.Bytes)
	return hex.EncodeToString(sum[:])
}

// sleepPastMillisecond waits until the clock has moved to another millisecond,
// so that resources created before and after have distinct creation times and
// a known order in listings by creation date.
func sleepPastMillisecond() { time.Sleep(2 * time.Millisecond) }
