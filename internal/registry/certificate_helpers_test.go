package registry

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"sync/atomic"
	"testing"
	"time"

	"github.com/iotdefender/iotdefender/internal/certs"
	"github.com/iotdefender/iotdefender/internal/clock"
	"github.com/iotdefender/iotdefender/internal/ids"
	"github.com/iotdefender/iotdefender/internal/iot"
	"github.com/iotdefender/iotdefender/internal/pagetoken"
	"github.com/iotdefender/iotdefender/internal/store"
	"github.com/iotdefender/iotdefender/internal/store/sqlite"
)

const (
	certAccount      = "123456789012"
	certOtherAccount = "210987654321"
	certRegion       = "eu-west-1"
	certRegCode      = "9f2c0b7d1e4a6c8b3d5f7a9e1c3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b"
)

var certT0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// certEnv is a registry over a fresh SQLite store with two accounts, a fake
// clock at certT0, sequential ids and its own issuing authority.
type certEnv struct {
	r     *Registry
	st    *sqlite.Store
	clock *clock.Fake
	dir   string
}

func newCertEnv(t testing.TB) *certEnv {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir, sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i, id := range []string{certAccount, certOtherAccount} {
		err := st.System().CreateAccount(ctx, iot.Account{ID: id, RegistrationCode: certRegCode[i:] + certRegCode[:i], CreatedAt: certT0},
			iot.AccessKey{AccessKeyID: "AKIDCERTTEST" + id, SecretAccessKey: "s", AccountID: id, CreatedAt: certT0})
		if err != nil {
			t.Fatal(err)
		}
	}
	clk := clock.NewFake(certT0)
	authority, err := certs.NewAuthority(rand.Reader, certT0.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	keys := certs.NewKeyPool(0, rand.Reader)
	t.Cleanup(keys.Close)
	r := New(Config{Store: st, Clock: clk, IDs: &ids.Sequence{}, Region: certRegion,
		Tokens: pagetoken.New([]byte("0123456789abcdef0123456789abcdef"), clk), Authority: authority, Keys: keys})
	return &certEnv{r: r, st: st, clock: clk, dir: dir}
}

// view runs fn on a snapshot of the first account.
func (e *certEnv) view(t *testing.T, fn func(tx store.ReadTx) error) {
	t.Helper()
	if err := e.st.View(context.Background(), certAccount, fn); err != nil {
		t.Fatal(err)
	}
}

func wantCertKind(t *testing.T, err error, kind iot.Kind) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error = %v (kind %s), want %s", err, iot.KindOf(err), kind)
	}
}

// testCA is a CA of the test PKI: its certificate, PEM and key.
type testCA struct {
	cert *x509.Certificate
	pem  string
	key  crypto.Signer
}

var testSerial atomic.Int64

// certOpts shapes a test certificate; the zero value is a device certificate
// valid around certT0 for a fresh P-256 key.
type certOpts struct {
	cn                  string
	notBefore, notAfter time.Time
	key                 crypto.Signer // nil: a fresh P-256 key
	isCA                bool
}

func (o certOpts) template() *x509.Certificate {
	if o.notBefore.IsZero() {
		o.notBefore = certT0.Add(-24 * time.Hour)
	}
	if o.notAfter.IsZero() {
		o.notAfter = certT0.Add(365 * 24 * time.Hour)
	}
	tpl := &x509.Certificate{
		SerialNumber:          big.NewInt(testSerial.Add(1)),
		Subject:               pkix.Name{CommonName: o.cn, Organization: []string{"iotdefender tests"}},
		NotBefore:             o.notBefore,
		NotAfter:              o.notAfter,
		BasicConstraintsValid: true,
		IsCA:                  o.isCA,
		CRLDistributionPoints: []string{"http://crl.example.test/ca.crl"},
	}
	if o.isCA {
		tpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	return tpl
}

func newKey(t testing.TB) crypto.Signer {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func rsaKey(t testing.TB, bits int) crypto.Signer {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func pemOf(der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

// newTestCA makes a self-signed CA.
func newTestCA(t testing.TB, o certOpts) testCA {
	t.Helper()
	o.isCA = true
	if o.cn == "" {
		o.cn = "Test CA"
	}
	if o.key == nil {
		o.key = newKey(t)
	}
	tpl := o.template()
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, o.key.Public(), o.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return testCA{cert: cert, pem: pemOf(der), key: o.key}
}

// issue makes a certificate signed by the CA; with o.isCA, an intermediate CA.
func (ca testCA) issue(t testing.TB, o certOpts) (string, testCA) {
	t.Helper()
	if o.cn == "" {
		o.cn = "device"
	}
	if o.key == nil {
		o.key = newKey(t)
	}
	der, err := x509.CreateCertificate(rand.Reader, o.template(), ca.cert, o.key.Public(), ca.key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return pemOf(der), testCA{cert: cert, pem: pemOf(der), key: o.key}
}

// device makes a device certificate signed by the CA.
func (ca testCA) device(t testing.TB) string {
	t.Helper()
	p, _ := ca.issue(t, certOpts{})
	return p
}

// verification makes the CA's verification certificate for a registration code.
func (ca testCA) verification(t testing.TB, code string) string {
	t.Helper()
	p, _ := ca.issue(t, certOpts{cn: code})
	return p
}

// selfSigned makes a device certificate with no registered CA.
func selfSigned(t testing.TB, o certOpts) string {
	t.Helper()
	if o.key == nil {
		o.key = newKey(t)
	}
	if o.cn == "" {
		o.cn = "self-signed device"
	}
	tpl := o.template()
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, o.key.Public(), o.key)
	if err != nil {
		t.Fatal(err)
	}
	return pemOf(der)
}

// registerCA registers a CA in DEFAULT mode, ACTIVE, with the first account.
func (e *certEnv) registerCA(t testing.TB, ca testCA) iot.CACertificate {
	t.Helper()
	c, err := e.r.RegisterCACertificate(context.Background(), certAccount, RegisterCACertificateRequest{
		CertificatePEM: ca.pem, VerificationPEM: ca.verification(t, certRegCode), SetAsActive: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// createThings creates things in the first account.
func (e *certEnv) createThings(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		if _, err := e.r.CreateThing(context.Background(), certAccount, CreateThingRequest{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
}

// registerDevice registers a certificate without CA, in the given status.
func (e *certEnv) registerDevice(t testing.TB, status iot.CertificateStatus) iot.Certificate {
	t.Helper()
	c, err := e.r.RegisterCertificateWithoutCA(context.Background(), certAccount, selfSigned(t, certOpts{}), status)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pageIDs follows a listing's next markers (or tokens) to its end and returns
// the ids of what it listed; list gets "" for the first page.
func pageIDs[T any](t *testing.T, list func(next string) ([]T, string, error), id func(T) string) []string {
	t.Helper()
	var ids []string
	next := ""
	for pages := 0; ; pages++ {
		page, n, err := list(next)
		if err != nil {
			t.Fatal(err)
		}
		for _, item := range page {
			ids = append(ids, id(item))
		}
		if n == "" {
			return ids
		}
		if pages > 20 {
			t.Fatal("the listing does not end")
		}
		next = n
	}
}
