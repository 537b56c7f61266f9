package certs

import (
	"bytes"
	"context"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

// testAuthority is generated once per test binary.
var testAuthority = sync.OnceValues(func() (*Authority, error) { return NewAuthority(rand.Reader, testNow) })

func authority(t testing.TB) *Authority {
	t.Helper()
	a, err := testAuthority()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestNewAuthorityIsAnRSA2048CA(t *testing.T) {
	a := authority(t)
	c := mustParse(t, a.Certificate().Raw)
	if err := ValidateCA(c); err != nil {
		t.Error(err)
	}
	if c.KeyAlgorithm != KeyRSA || c.KeyBits != 2048 {
		t.Errorf("CA key %s/%d, want RSA/2048", c.KeyAlgorithm, c.KeyBits)
	}
	if c.SubjectKeyID == "" {
		t.Error("CA has no subject key identifier")
	}
	if err := ValidateForRegistration(c, testNow); err != nil {
		t.Errorf("CA not valid at creation time: %v", err)
	}
}

func TestIssueForKey(t *testing.T) {
	a := authority(t)
	key := rsaKey(t, "rsa2048", 2048)
	der, err := a.IssueForKey(&key.PublicKey, testNow)
	if err != nil {
		t.Fatal(err)
	}
	c := mustParse(t, der)
	if c.Subject != "CN=AWS IoT Certificate" {
		t.Errorf("subject %q", c.Subject)
	}
	if !c.NotBefore.Equal(testNow) || !c.NotAfter.Equal(time.Date(2049, 12, 31, 23, 59, 59, 0, time.UTC)) {
		t.Errorf("validity %v to %v", c.NotBefore, c.NotAfter)
	}
	if c.AuthorityKeyID != mustParse(t, a.Certificate().Raw).SubjectKeyID {
		t.Errorf("authority key id %s is not the CA's subject key id", c.AuthorityKeyID)
	}
	if c.SubjectKeyID == "" || c.IsCA {
		t.Errorf("subject key id %q, CA %v: want an end-entity certificate with a key id", c.SubjectKeyID, c.IsCA)
	}
	if n := c.Leaf.SerialNumber; n.Sign() <= 0 || n.BitLen() > 160 {
		t.Errorf("serial %x is not a positive number of at most 160 bits", n)
	}
	if err := VerifySignedBy(c, a.Certificate()); err != nil {
		t.Error(err)
	}
	if err := ValidateForRegistration(c, testNow); err != nil {
		t.Error(err)
	}
	// An independent verifier accepts the chain.
	out := runOpenSSL(t, "verify", "-attime", strconv.FormatInt(testNow.Unix(), 10),
		"-CAfile", writeTemp(t, "ca.pem", EncodeCertificatePEM(a.Certificate().Raw)),
		writeTemp(t, "device.pem", c.PEM))
	if !strings.Contains(out, ": OK") {
		t.Errorf("openssl verify: %s", out)
	}
}

func TestIssueForKeySerialsDiffer(t *testing.T) {
	a := authority(t)
	pub := ecKey(t, "p256", elliptic.P256()).Public()
	first, err := a.IssueForKey(pub, testNow)
	if err != nil {
		t.Fatal(err)
	}
	second, err := a.IssueForKey(pub, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if mustParse(t, first).SerialHex == mustParse(t, second).SerialHex {
		t.Error("two certificates share a serial")
	}
}

func csrPEM(t *testing.T, subject pkix.Name, key any) []byte {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: subject}, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

func TestIssueForCSR(t *testing.T) {
	a := authority(t)
	subject := pkix.Name{CommonName: "sensor-17", Organization: []string{"Example Fleet"}, Country: []string{"DE"}}
	good := csrPEM(t, subject, ecKey(t, "p256", elliptic.P256()))
	tampered := bytes.Clone(good)
	block, _ := pem.Decode(tampered)
	block.Bytes[len(block.Bytes)-5] ^= 0xff
	tampered = pem.EncodeToMemory(block)

	tests := []struct {
		name    string
		csr     []byte
		want    iot.Kind
		message string
	}{
		{"EC P-256", good, "", ""},
		{"RSA 2048", csrPEM(t, subject, rsaKey(t, "rsa2048", 2048)), "", ""},
		{"RSA 1024", csrPEM(t, subject, rsaKey(t, "rsa1024", 1024)), iot.InvalidRequest, "at least 2048 bits"},
		{"bad signature", tampered, iot.InvalidRequest, "signature"},
		{"not PEM", []byte("hello"), iot.InvalidRequest, "not PEM"},
		{"certificate instead", EncodeCertificatePEM(a.Certificate().Raw), iot.InvalidRequest, `"CERTIFICATE"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			der, err := a.IssueForCSR(tt.csr, testNow)
			wantError(t, err, tt.want, tt.message)
			if err != nil {
				return
			}
			c := mustParse(t, der)
			if c.Subject != subject.String() {
				t.Errorf("subject %q, want the CSR's %q", c.Subject, subject.String())
			}
			if err := VerifySignedBy(c, a.Certificate()); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestLoadAuthority(t *testing.T) {
	a := authority(t)
	certPEM, keyPEM := a.PEM()
	pkcs8, err := x509.MarshalPKCS8PrivateKey(a.key)
	if err != nil {
		t.Fatal(err)
	}
	pkcs8PEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})
	otherKeyPEM := EncodeRSAPrivateKeyPEM(rsaKey(t, "rsa2048", 2048))
	ecCA, ecCAKey := testCA(t, "EC CA")
	ecDER, err := x509.MarshalPKCS8PrivateKey(ecCAKey)
	if err != nil {
		t.Fatal(err)
	}
	device, err := a.IssueForKey(&rsaKey(t, "rsa2048", 2048).PublicKey, testNow)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		cert    []byte
		key     []byte
		wantErr string
	}{
		{"PKCS#1 key", certPEM, keyPEM, ""},
		{"PKCS#8 key", certPEM, pkcs8PEM, ""},
		{"key of another certificate", certPEM, otherKeyPEM, "does not belong"},
		{"EC key", EncodeCertificatePEM(ecCA.Raw), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}), "not RSA"},
		{"not a CA", EncodeCertificatePEM(device), otherKeyPEM, "not a CA certificate"},
		{"key not PEM", certPEM, []byte("secret"), "not PEM"},
		{"public key block", certPEM, []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), `"PUBLIC KEY"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loaded, err := LoadAuthority(tt.cert, tt.key, rand.Reader)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			der, err := loaded.IssueForKey(ecKey(t, "p256", elliptic.P256()).Public(), testNow)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifySignedBy(mustParse(t, der), a.Certificate()); err != nil {
				t.Errorf("certificate from the loaded authority: %v", err)
			}
		})
	}
}

func TestKeyPEMMatchesAWSFormat(t *testing.T) {
	key := rsaKey(t, "rsa2048", 2048)
	private := EncodeRSAPrivateKeyPEM(key)
	public, err := EncodePublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(private, []byte("-----BEGIN RSA PRIVATE KEY-----\n")) {
		t.Errorf("private key PEM starts %q", private[:40])
	}
	if !bytes.HasPrefix(public, []byte("-----BEGIN PUBLIC KEY-----\n")) {
		t.Errorf("public key PEM starts %q", public[:30])
	}
	// openssl reads both and derives the same public key from the private one.
	fromPrivate := runOpenSSL(t, "rsa", "-in", writeTemp(t, "key.pem", private), "-pubout")
	if fromPrivate != string(public) {
		t.Errorf("openssl derives public key\n%s\nwant\n%s", fromPrivate, public)
	}
	if _, err := EncodePublicKeyPEM(struct{}{}); err == nil {
		t.Error("EncodePublicKeyPEM accepted a non-key")
	}
}

func TestKeyPool(t *testing.T) {
	pool := NewKeyPool(1, rand.Reader)
	defer pool.Close()
	key, err := pool.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if key.N.BitLen() != 2048 {
		t.Errorf("pooled key has %d bits, want 2048", key.N.BitLen())
	}
	if err := key.Validate(); err != nil {
		t.Error(err)
	}
}

func TestKeyPoolHandsOutEachKeyOnce(t *testing.T) {
	pool := newKeyPool(2, 1024, rand.Reader)
	waitFor(t, func() bool { return len(pool.keys) == 2 })
	seen := map[string]bool{}
	for range 4 { // two from the pool, two generated inline
		key, err := pool.Get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if seen[key.N.String()] {
			t.Fatal("a key was handed out twice")
		}
		seen[key.N.String()] = true
	}
	pool.Close()
	pool.Close() // closing twice is harmless
	if _, err := pool.Get(t.Context()); err != nil {
		t.Errorf("Get after Close: %v", err)
	}
}

func TestKeyPoolWithoutPooling(t *testing.T) {
	pool := newKeyPool(0, 1024, rand.Reader)
	defer pool.Close()
	key, err := pool.Get(t.Context())
	if err != nil || key == nil {
		t.Fatalf("Get = %v, %v", key, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := pool.Get(ctx); err == nil {
		t.Error("Get with a canceled context succeeded")
	}
}
