package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/iot"
)

var testNow = time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC)

// testKeys hands out keys by name, generating each once per test binary:
// RSA generation is slow.
var testKeys = struct {
	sync.Mutex
	byName map[string]crypto.Signer
}{byName: map[string]crypto.Signer{}}

func testKey(t testing.TB, name string, generate func() (crypto.Signer, error)) crypto.Signer {
	t.Helper()
	testKeys.Lock()
	defer testKeys.Unlock()
	if k, ok := testKeys.byName[name]; ok {
		return k
	}
	k, err := generate()
	if err != nil {
		t.Fatalf("generating key %s: %v", name, err)
	}
	testKeys.byName[name] = k
	return k
}

func rsaKey(t testing.TB, name string, bits int) *rsa.PrivateKey {
	return testKey(t, name, func() (crypto.Signer, error) { return rsa.GenerateKey(rand.Reader, bits) }).(*rsa.PrivateKey)
}

func ecKey(t testing.TB, name string, curve elliptic.Curve) *ecdsa.PrivateKey {
	return testKey(t, name, func() (crypto.Signer, error) { return ecdsa.GenerateKey(curve, rand.Reader) }).(*ecdsa.PrivateKey)
}

// certTemplate is a certificate valid a year around testNow.
func certTemplate(cn string) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(1000),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"Example Fleet"}},
		NotBefore:    testNow.Add(-24 * time.Hour),
		NotAfter:     testNow.Add(365 * 24 * time.Hour),
	}
}

func caTemplate(cn string) *x509.Certificate {
	t := certTemplate(cn)
	t.IsCA = true
	t.BasicConstraintsValid = true
	t.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	return t
}

// sign creates a certificate from template for pub, signed by parent's key
// (self-signed when parent is nil).
func sign(t testing.TB, template, parent *x509.Certificate, pub any, parentKey crypto.Signer) *x509.Certificate {
	t.Helper()
	if parent == nil {
		parent = template
	}
	der, err := x509.CreateCertificate(rand.Reader, template, parent, pub, parentKey)
	if err != nil {
		t.Fatalf("creating certificate %q: %v", template.Subject.CommonName, err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testCA is a self-signed EC CA.
func testCA(t testing.TB, name string) (*x509.Certificate, *ecdsa.PrivateKey) {
	key := ecKey(t, name, elliptic.P256())
	return sign(t, caTemplate(name), nil, key.Public(), key), key
}

func mustParse(t testing.TB, input []byte) *Certificate {
	t.Helper()
	c, err := Parse(input)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return c
}

// wantError fails unless err is a domain error of kind want whose message
// contains message; with want "" it fails on any error.
func wantError(t testing.TB, err error, want iot.Kind, message string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Errorf("no error, want %s", want)
	case want != "" && !errors.Is(err, want):
		t.Errorf("error %v is of kind %s, want %s", err, iot.KindOf(err), want)
	case want != "" && !strings.Contains(err.Error(), message):
		t.Errorf("error %q does not mention %q", err, message)
	}
}

// runOpenSSL runs openssl with args and returns its standard output, skipping the test when it is not installed.
func runOpenSSL(t testing.TB, args ...string) string {
	t.Helper()
	path, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed")
	}
	var stderr bytes.Buffer
	cmd := exec.Command(path, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("openssl %v: %v\n%s%s", args, err, out, stderr.Bytes())
	}
	return string(out)
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
